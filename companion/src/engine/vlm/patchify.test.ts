import { Qwen2VLImageProcessor, RawImage } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { patchify, patchifyFrames } from './patchify';

const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

function noise(width: number, height: number, seed: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  let x = seed;
  for (let i = 0; i < out.length; i++) {
    x = (x * 1664525 + 1013904223) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

describe('patchify matches the transformers.js Qwen2-VL image processor', () => {
  for (const { patch, mean, std, w, h } of [
    { patch: 14, mean: CLIP_MEAN, std: CLIP_STD, w: 112, h: 84 },
    { patch: 16, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], w: 96, h: 128 },
  ]) {
    it(`patch ${patch}, ${w}×${h}`, async () => {
      const config = {
        do_resize: true,
        do_rescale: true,
        rescale_factor: 1 / 255,
        do_normalize: true,
        image_mean: mean,
        image_std: std,
        min_pixels: 4 * (patch * 2) ** 2,
        max_pixels: 1_000_000,
        patch_size: patch,
        merge_size: 2,
        temporal_patch_size: 2,
      };
      const rgb = noise(w, h, patch);
      const processor = new Qwen2VLImageProcessor(config as never);
      const ref = (await processor(new RawImage(new Uint8ClampedArray(rgb), w, h, 3))) as { pixel_values: { dims: number[]; data: Float32Array }; image_grid_thw: { tolist(): bigint[][] } };
      const mine = patchify(rgb, w, h, { patchSize: patch, mergeSize: 2, temporalPatchSize: 2, mean, std, rescaleFactor: 1 / 255, doRescale: true, doNormalize: true });
      expect([mine.rows, mine.rowLength]).toEqual(ref.pixel_values.dims);
      expect(mine.grid).toEqual(ref.image_grid_thw.tolist()[0]!.map(Number));
      let maxDiff = 0;
      for (let i = 0; i < mine.data.length; i++) maxDiff = Math.max(maxDiff, Math.abs(mine.data[i]! - ref.pixel_values.data[i]!));
      expect(maxDiff).toBeLessThan(1e-6);
    });
  }

  it('refuses sizes that are not multiples of patch×merge', () => {
    expect(() => patchify(new Uint8Array(30 * 28 * 3), 30, 28, { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD, rescaleFactor: 1 / 255, doRescale: true, doNormalize: true })).toThrow(/multiple/);
  });
});

describe('patchifyFrames matches the transformers.js processor given a clip\'s frames', () => {
  const config = { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, mean: CLIP_MEAN, std: CLIP_STD, rescaleFactor: 1 / 255, doRescale: true, doNormalize: true };
  const reference = async (frames: Uint8Array[], w: number, h: number) => {
    const processor = new Qwen2VLImageProcessor({ do_resize: true, do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, image_mean: CLIP_MEAN, image_std: CLIP_STD, min_pixels: 3136, max_pixels: 1_000_000, patch_size: 14, merge_size: 2, temporal_patch_size: 2 } as never);
    // Several images in one call are stacked as the frames of one video (grid_t = frames / 2).
    return (await processor(frames.map((f) => new RawImage(new Uint8ClampedArray(f), w, h, 3)))) as { pixel_values: { dims: number[]; data: Float32Array }; image_grid_thw: { tolist(): bigint[][] } };
  };
  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

  it('four frames: two temporal patches, each row holding both of its frames', async () => {
    const frames = [1, 2, 3, 4].map((s) => noise(56, 84, s));
    const ref = await reference(frames, 56, 84);
    const mine = patchifyFrames(frames, 56, 84, config);
    expect(mine.grid).toEqual([2, 6, 4]);
    expect(ref.image_grid_thw.tolist()[0]!.map(Number)).toEqual(mine.grid);
    expect([mine.rows, mine.rowLength]).toEqual(ref.pixel_values.dims);
    expect(maxDiff(mine.data, ref.pixel_values.data)).toBeLessThan(1e-6);
  });

  it('an odd count repeats the last frame (three frames = frames 1, 2, 3, 3)', async () => {
    const frames = [5, 6, 7].map((s) => noise(56, 56, s));
    const ref = await reference([...frames, frames[2]!], 56, 56);
    const mine = patchifyFrames(frames, 56, 56, config);
    expect(mine.grid).toEqual([2, 4, 4]);
    expect(maxDiff(mine.data, ref.pixel_values.data)).toBeLessThan(1e-6);
    // Differs from a still of the first frame: the frames really are different slots.
    expect(maxDiff(mine.data.subarray(0, mine.rowLength), patchify(frames[0]!, 56, 56, config).data.subarray(0, mine.rowLength))).toBeGreaterThan(0.1);
  });
});
