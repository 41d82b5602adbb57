import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { getRealDims } from '@loupe/models/real-dims';
import { buildFullStandIn } from '@loupe/models/standin/full/build-full';
import { MATMUL_ACCURACY_LEVEL, MATMUL_ACCURACY_SESSIONS } from './device';
import { closeSessions, openSessions, sessionOptionsFor } from './loader';

const work = mkdtempSync(join(tmpdir(), 'loupe-loader-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const i64 = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);

describe('openSessions on the CPU', () => {
  it('loads a q4 decoder and vision encoder with external data through the accuracy_level rewrite: outputs close to, but not equal to, the files as exported', async () => {
    expect(MATMUL_ACCURACY_LEVEL.cpu).toBe(4);
    expect(MATMUL_ACCURACY_SESSIONS).toEqual(['decoder_model_merged', 'vision_encoder']);
    const real = getRealDims('qwen2.5-vl-3b');
    const dir = join(work, 'm');
    const dims = { sources: [], text: { ...real.text, layers: 2, hidden: 256, heads: 4, kvHeads: 2, headDim: 64, mlp: 512 }, vision: { ...real.vision, depth: 2, hidden: 128, heads: 2, mlp: 200, outHidden: 256, window: { sizePx: 112, fullBlocks: [1] } } };
    await buildFullStandIn(dir, { size: 'qwen2.5-vl-3b', dims, dtype: 'q4' });
    const sessions = await openSessions(dir, 'cpu', 'q4');
    const exported = await ort.InferenceSession.create(join(dir, 'onnx/decoder_model_merged_q4.onnx'), sessionOptionsFor('cpu', 'decoder_model_merged'));
    const exportedVision = await ort.InferenceSession.create(join(dir, 'onnx/vision_encoder_q4.onnx'), sessionOptionsFor('cpu', 'vision_encoder'));
    const closeButMoved = (a: Float32Array, b: Float32Array) => {
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < a.length; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
      }
      expect(maxDiff).toBeGreaterThan(0); // int8 activations took effect
      expect(maxDiff).toBeLessThan(0.05 * maxAbs);
    };
    try {
      const grid = [1, 6, 12]; // 72 patches: one whole 64-patch window and a padded one
      const pixels = { pixel_values: new ort.Tensor('float32', Float32Array.from({ length: 72 * 1176 }, (_, i) => Math.cos(i * 0.11)), [72, 1176]), image_grid_thw: i64(grid, [1, 3]) };
      closeButMoved((await exportedVision.run(pixels)).image_features!.data as Float32Array, (await sessions.vision_encoder.run(pixels)).image_features!.data as Float32Array);
      const feeds: Record<string, ort.Tensor> = {
        inputs_embeds: new ort.Tensor('float32', Float32Array.from({ length: 5 * 256 }, (_, i) => Math.sin(i * 0.37)), [1, 5, 256]),
        attention_mask: i64([1, 1, 1, 1, 1], [1, 5]),
        position_ids: i64([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4], [3, 1, 5]),
        num_logits_to_keep: i64([1], []),
      };
      for (let l = 0; l < 2; l++) for (const k of ['key', 'value']) feeds[`past_key_values.${l}.${k}`] = new ort.Tensor('float32', new Float32Array(0), [1, 2, 0, 64]);
      const a = (await exported.run(feeds)).logits!.data as Float32Array;
      closeButMoved(a, (await sessions.decoder_model_merged.run(feeds)).logits!.data as Float32Array);
    } finally {
      await exported.release();
      await exportedVision.release();
      await closeSessions(sessions);
    }
  }, 120_000);
});
