import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandIn } from './build';
import { randomFloats } from './graphs';

let root: string;
const sessions: Record<string, ort.InferenceSession> = {};
const i64 = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
const f32 = (values: Float32Array, dims: number[]) => new ort.Tensor('float32', values, dims);
const emptyKv = () =>
  Object.fromEntries(
    [0, 1].flatMap((i) => ['key', 'value'].map((k) => [`past_key_values.${i}.${k}`, f32(new Float32Array(0), [1, 2, 0, 8])])),
  );
const embeds = (seq: number) => f32(Float32Array.from({ length: seq * 32 }, (_, i) => Math.sin(i)), [1, seq, 32]);
function correlation(a: Float32Array, b: Float32Array): number {
  const mean = (x: Float32Array) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - ma) * (b[i]! - mb);
    da += (a[i]! - ma) ** 2;
    db += (b[i]! - mb) ** 2;
  }
  return num / Math.sqrt(da * db);
}
const positions = (seq: number, offset = 0) => i64(Array.from({ length: 3 * seq }, (_, i) => (i % seq) + offset), [3, 1, seq]);

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loupe-graphs-'));
  await buildStandIn(root, { family: 'qwen2_5_vl', numLogitsToKeep: false });
  for (const name of ['vision_encoder', 'embed_tokens', 'decoder_model_merged']) {
    sessions[name] = await ort.InferenceSession.create(join(root, 'onnx', `${name}.onnx`));
  }
});
afterAll(async () => {
  for (const s of Object.values(sessions)) await s.release();
  await rm(root, { recursive: true, force: true });
});

describe('stand-in graphs (run directly on onnxruntime-node)', () => {
  it('vision_encoder merges 2×2 patches and refuses a grid that disagrees with pixel_values', async () => {
    const pixels = f32(new Float32Array(16 * 1176).fill(0.1), [16, 1176]);
    const out = await sessions.vision_encoder!.run({ pixel_values: pixels, image_grid_thw: i64([1, 4, 4], [1, 3]) });
    expect(out.image_features!.dims).toEqual([4, 32]);
    await expect(sessions.vision_encoder!.run({ pixel_values: pixels, image_grid_thw: i64([1, 4, 2], [1, 3]) })).rejects.toThrow();
  });

  it('embed_tokens gathers a distinct row per token', async () => {
    const out = await sessions.embed_tokens!.run({ input_ids: i64([1, 2, 1], [1, 3]) });
    const data = out.inputs_embeds!.data as Float32Array;
    expect(out.inputs_embeds!.dims).toEqual([1, 3, 32]);
    expect(Array.from(data.slice(0, 32))).toEqual(Array.from(data.slice(64, 96)));
    expect(Array.from(data.slice(0, 32))).not.toEqual(Array.from(data.slice(32, 64)));
  });

  it('decoder grows the KV cache, and its logits depend on positions and the cache', async () => {
    const first = await sessions.decoder_model_merged!.run({ inputs_embeds: embeds(5), attention_mask: i64([1, 1, 1, 1, 1], [1, 5]), position_ids: positions(5), ...emptyKv() });
    expect(first.logits!.dims).toEqual([1, 5, 151936]);
    expect(first['present.1.value']!.dims).toEqual([1, 2, 5, 8]);

    const shifted = await sessions.decoder_model_merged!.run({ inputs_embeds: embeds(5), attention_mask: i64([1, 1, 1, 1, 1], [1, 5]), position_ids: positions(5, 7), ...emptyKv() });
    expect(Array.from((shifted.logits!.data as Float32Array).slice(0, 50))).not.toEqual(Array.from((first.logits!.data as Float32Array).slice(0, 50)));

    const past = Object.fromEntries([0, 1].flatMap((i) => ['key', 'value'].map((k) => [`past_key_values.${i}.${k}`, first[`present.${i}.${k}`]!])));
    const step = await sessions.decoder_model_merged!.run({ inputs_embeds: embeds(1), attention_mask: i64([1, 1, 1, 1, 1, 1], [1, 6]), position_ids: positions(1, 5), ...past });
    expect(step['present.0.key']!.dims).toEqual([1, 2, 6, 8]);
    expect(step.logits!.dims).toEqual([1, 1, 151936]);
    // Special ids never win on noise.
    const last = step.logits!.data as Float32Array;
    let best = 0;
    for (let v = 1; v < last.length; v++) if (last[v]! > last[best]!) best = v;
    expect(best).toBeLessThan(151643);
  });

  it('decoder rejects an attention_mask or position_ids of the wrong length', async () => {
    await expect(
      sessions.decoder_model_merged!.run({ inputs_embeds: embeds(5), attention_mask: i64([1, 1, 1, 1], [1, 4]), position_ids: positions(5), ...emptyKv() }),
    ).rejects.toThrow();
    await expect(
      sessions.decoder_model_merged!.run({ inputs_embeds: embeds(5), attention_mask: i64([1, 1, 1, 1, 1], [1, 5]), position_ids: positions(4), ...emptyKv() }),
    ).rejects.toThrow();
  });

  it('quantized dtypes store weights as real exports do (MatMulNBits 4-bit, uint8 table) and stay close to fp32', async () => {
    const dir = join(root, 'quant');
    await buildStandIn(dir, { family: 'qwen2_5_vl', dtype: 'q4' });
    await buildStandIn(dir, { family: 'qwen2_5_vl', dtype: 'q8' });
    const pixels = f32(randomFloats(16 * 1176, 99, 1), [16, 1176]);
    const grid = i64([1, 4, 4], [1, 3]);
    const q4 = await ort.InferenceSession.create(join(dir, 'onnx', 'vision_encoder_q4.onnx'));
    const q8 = await ort.InferenceSession.create(join(dir, 'onnx', 'embed_tokens_quantized.onnx'));
    try {
      const ref = (await sessions.vision_encoder!.run({ pixel_values: pixels, image_grid_thw: grid })).image_features!.data as Float32Array;
      const got = (await q4.run({ pixel_values: pixels, image_grid_thw: grid })).image_features!.data as Float32Array;
      // 4-bit noise, but the same function: a packing or layout bug would decorrelate the outputs.
      expect(Array.from(got)).not.toEqual(Array.from(ref));
      expect(correlation(ref, got)).toBeGreaterThan(0.98);

      const ids = i64([5, 151655, 99999], [1, 3]);
      const refE = (await sessions.embed_tokens!.run({ input_ids: ids })).inputs_embeds!.data as Float32Array;
      const gotE = (await q8.run({ input_ids: ids })).inputs_embeds!.data as Float32Array;
      expect(refE.reduce((m, v, i) => Math.max(m, Math.abs(v - gotE[i]!)), 0)).toBeLessThan(0.05);
    } finally {
      await q4.release();
      await q8.release();
    }
  });
});
