import { AutoModelForImageTextToText, AutoProcessor, env, RawImage } from '@huggingface/transformers';

/**
 * Loads a model directory through the real transformers.js loader (offline, CPU) and generates a few
 * tokens for one image + question. Used by tests to prove a directory honours the contract.
 */
export interface GenerateCheck {
  modelClass: string;
  prompt: string;
  inputLength: number;
  imagePadCount: number;
  grid: number[];
  tokens: number[];
  text: string;
  loadMs: number;
  generateMs: number;
}

export async function generateCheck(
  dir: string,
  options: { dtype?: string; maxNewTokens?: number; width?: number; height?: number } = {},
): Promise<GenerateCheck> {
  env.allowRemoteModels = false;
  const started = performance.now();
  const processor = await AutoProcessor.from_pretrained(dir, { local_files_only: true });
  const model = await AutoModelForImageTextToText.from_pretrained(dir, {
    local_files_only: true,
    device: 'cpu',
    dtype: (options.dtype ?? 'fp32') as 'fp32',
  });
  const loadMs = performance.now() - started;
  try {
    const width = options.width ?? 200;
    const height = options.height ?? 150;
    const pixels = new Uint8ClampedArray(width * height * 3).map((_, i) => (i * 7 + (i % 13) * 31) % 256);
    const image = new RawImage(pixels, width, height, 3);
    const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Describe this image.' }] }];
    const prompt = processor.apply_chat_template(messages as never, { add_generation_prompt: true }) as string;
    const inputs = await processor(prompt, image);
    const ids = (inputs.input_ids.tolist() as bigint[][])[0]!.map(Number);
    const t0 = performance.now();
    const output = (await model.generate({ ...inputs, max_new_tokens: options.maxNewTokens ?? 8, do_sample: false })) as {
      slice(...args: unknown[]): { tolist(): bigint[][] };
    };
    const generateMs = performance.now() - t0;
    const generated = output.slice(null, [ids.length, null]);
    const tokens = generated.tolist()[0]!.map(Number);
    const text = processor.batch_decode(generated as never, { skip_special_tokens: true })[0] ?? '';
    return {
      modelClass: model.constructor.name,
      prompt,
      inputLength: ids.length,
      imagePadCount: ids.filter((id) => id === 151655).length,
      grid: (inputs.image_grid_thw.tolist() as bigint[][])[0]!.map(Number),
      tokens,
      text,
      loadMs,
      generateMs,
    };
  } finally {
    await model.dispose();
  }
}
