import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import type { RealDims } from '../../real-dims';
import { getRealDims } from '../../real-dims';
import { verifyModelDir } from '../../verify/verify-model-dir';
import { buildFullStandIn } from './build-full';
import type { FullDtype } from './build-full';

/** Real-dims code path, narrow and shallow: the same graphs and streamed writer, a few MB on disk. */
function reduced(id: string): RealDims {
  const real = getRealDims(id);
  return {
    sources: [],
    text: { ...real.text, layers: 2, hidden: 256, heads: 4, kvHeads: 2, headDim: 64, mlp: 512, vocab: 151936 },
    vision: { ...real.vision, depth: 2, hidden: 128, heads: 2, mlp: 200, outHidden: 256, ...(real.vision.window ? { window: { sizePx: real.vision.window.sizePx, fullBlocks: [1] } } : {}) },
  };
}

const work = mkdtempSync(join(tmpdir(), 'loupe-full-standin-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const i64 = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

const CASES: Array<[string, FullDtype]> = [
  ['qwen2.5-vl-3b', 'q4'],
  ['qwen3-vl-2b', 'q4'],
  ['qwen2-vl-2b', 'q4f16'],
  ['qwen2.5-vl-3b', 'fp16'],
];

describe.each(CASES)('full-size stand-in code path (%s %s, reduced)', (id, dtype) => {
  const dir = join(work, `${id}-${dtype}`);
  const half = dtype !== 'q4';
  const floats = (n: number, dims: number[], value = 0) =>
    half ? new ort.Tensor('float16', new Uint16Array(n).fill(value ? 0x2e66 : 0), dims) : new ort.Tensor('float32', new Float32Array(n).fill(value), dims);
  const finite = (t: ort.Tensor) => (half ? [...(t.data as Uint16Array)].every((b) => (b & 0x7c00) !== 0x7c00) : [...(t.data as Float32Array)].every(Number.isFinite));
  const dims = reduced(id);

  it('builds a directory the verifier accepts, with the given dimensions in config.json', async () => {
    const result = await buildFullStandIn(dir, { size: id, dims, dtype });
    expect(result.weightBytes).toBeGreaterThan(0);
    const verify = await verifyModelDir(dir, { dtype });
    expect(verify.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(verify.standIn).toBe(true);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown> & { text_config?: Record<string, unknown>; vision_config: Record<string, unknown> };
    expect(config.text_config ?? config).toMatchObject({ num_hidden_layers: 2, hidden_size: 256, num_key_value_heads: 2, head_dim: 64 });
    expect(config.vision_config).toMatchObject({ depth: 2, hidden_size: 128, out_hidden_size: 256 });
  });

  it('runs in onnxruntime-node: vision (padded windows), embed, prefill and one cached step', async () => {
    const patch = id.startsWith('qwen3') ? 16 : 14;
    const grid = [1, 6, 12]; // 72 patches: not a whole number of 64-patch windows
    const vision = await ort.InferenceSession.create(join(dir, `onnx/vision_encoder_${dtype}.onnx`));
    const pixels = new ort.Tensor('float32', new Float32Array(72 * 6 * patch * patch).fill(0.1), [72, 6 * patch * patch]);
    const gridName = id.startsWith('qwen2-') ? 'grid_thw' : 'image_grid_thw';
    const { image_features } = await vision.run({ pixel_values: pixels, [gridName]: i64(grid, [1, 3]) });
    expect(image_features!.dims).toEqual([18, 256]);
    expect(finite(image_features!)).toBe(true);

    const embed = await ort.InferenceSession.create(join(dir, `onnx/embed_tokens_${dtype}.onnx`));
    const { inputs_embeds } = await embed.run({ input_ids: i64([1, 2, 3, 151655, 5], [1, 5]) });
    expect(inputs_embeds!.dims).toEqual([1, 5, 256]);

    const decoder = await ort.InferenceSession.create(join(dir, `onnx/decoder_model_merged_${dtype}.onnx`));
    const empty = () => floats(0, [1, 2, 0, 64]);
    const feeds: Record<string, ort.Tensor> = {
      inputs_embeds: inputs_embeds!,
      attention_mask: i64([1, 1, 1, 1, 1], [1, 5]),
      position_ids: i64([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4], [3, 1, 5]),
      num_logits_to_keep: i64([1], []),
    };
    for (let l = 0; l < 2; l++) Object.assign(feeds, { [`past_key_values.${l}.key`]: empty(), [`past_key_values.${l}.value`]: empty() });
    const first = await decoder.run(feeds);
    expect(first.logits!.dims).toEqual([1, 1, 151936]);
    expect(first['present.1.key']!.dims).toEqual([1, 2, 5, 64]);
    const step: Record<string, ort.Tensor> = {
      inputs_embeds: floats(256, [1, 1, 256], 0.1),
      attention_mask: i64([1, 1, 1, 1, 1, 1], [1, 6]),
      position_ids: i64([5, 5, 5], [3, 1, 1]),
      num_logits_to_keep: i64([1], []),
    };
    for (let l = 0; l < 2; l++) Object.assign(step, { [`past_key_values.${l}.key`]: first[`present.${l}.key`]!, [`past_key_values.${l}.value`]: first[`present.${l}.value`]! });
    const second = await decoder.run(step);
    expect(second['present.0.value']!.dims).toEqual([1, 2, 6, 64]);
    expect(finite(second.logits!)).toBe(true);
  }, 60_000);
});
