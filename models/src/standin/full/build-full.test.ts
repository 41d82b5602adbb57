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

describe.each(['qwen2.5-vl-3b', 'qwen3-vl-2b'])('full-size stand-in code path (%s, reduced)', (id) => {
  const dir = join(work, id);
  const dims = reduced(id);

  it('builds a directory the verifier accepts, with the given dimensions in config.json', async () => {
    const result = await buildFullStandIn(dir, { size: id, dims });
    expect(result.weightBytes).toBeGreaterThan(0);
    const verify = await verifyModelDir(dir, { dtype: 'q4' });
    expect(verify.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(verify.standIn).toBe(true);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { text_config: Record<string, unknown>; vision_config: Record<string, unknown> };
    expect(config.text_config).toMatchObject({ num_hidden_layers: 2, hidden_size: 256, num_key_value_heads: 2, head_dim: 64 });
    expect(config.vision_config).toMatchObject({ depth: 2, hidden_size: 128, out_hidden_size: 256 });
  });

  it('runs in onnxruntime-node: vision (padded windows), embed, prefill and one cached step', async () => {
    const patch = id.startsWith('qwen3') ? 16 : 14;
    const grid = [1, 6, 12]; // 72 patches: not a whole number of 64-patch windows
    const vision = await ort.InferenceSession.create(join(dir, 'onnx/vision_encoder_q4.onnx'));
    const pixels = new ort.Tensor('float32', new Float32Array(72 * 6 * patch * patch).fill(0.1), [72, 6 * patch * patch]);
    const { image_features } = await vision.run({ pixel_values: pixels, image_grid_thw: i64(grid, [1, 3]) });
    expect(image_features!.dims).toEqual([18, 256]);
    expect([...(image_features!.data as Float32Array)].every(Number.isFinite)).toBe(true);

    const embed = await ort.InferenceSession.create(join(dir, 'onnx/embed_tokens_q4.onnx'));
    const { inputs_embeds } = await embed.run({ input_ids: i64([1, 2, 3, 151655, 5], [1, 5]) });
    expect(inputs_embeds!.dims).toEqual([1, 5, 256]);

    const decoder = await ort.InferenceSession.create(join(dir, 'onnx/decoder_model_merged_q4.onnx'));
    const empty = () => new ort.Tensor('float32', new Float32Array(0), [1, 2, 0, 64]);
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
      inputs_embeds: new ort.Tensor('float32', (inputs_embeds!.data as Float32Array).slice(0, 256), [1, 1, 256]),
      attention_mask: i64([1, 1, 1, 1, 1, 1], [1, 6]),
      position_ids: i64([5, 5, 5], [3, 1, 1]),
      num_logits_to_keep: i64([1], []),
    };
    for (let l = 0; l < 2; l++) Object.assign(step, { [`past_key_values.${l}.key`]: first[`present.${l}.key`]!, [`past_key_values.${l}.value`]: first[`present.${l}.value`]! });
    const second = await decoder.run(step);
    expect(second['present.0.value']!.dims).toEqual([1, 2, 6, 64]);
    expect([...(second.logits!.data as Float32Array)].every(Number.isFinite)).toBe(true);
  }, 60_000);
});
