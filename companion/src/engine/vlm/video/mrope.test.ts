import * as tjs from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { mropePositions, type VisionGrid } from './mrope';

const VS = 151652n;
const VE = 151653n;
const IMAGE = 151655n;
const VIDEO = 151656n;
const tokens = { visionStart: VS, imagePad: IMAGE, videoPad: VIDEO, mergeSize: 2 };
const config = { image_token_id: Number(IMAGE), video_token_id: Number(VIDEO), vision_start_token_id: Number(VS), vision_config: { spatial_merge_size: 2 } };

type Rope = { get_rope_index(ids: unknown, image: unknown, video: unknown, mask: unknown): [{ data: BigInt64Array }, unknown] };
/** transformers.js' own get_rope_index (it reads only config), with image and video grids. */
function reference(ids: bigint[], images: number[][], videos: number[][]): number[] {
  const model = Object.assign(Object.create((tjs as unknown as { Qwen2VLForConditionalGeneration: { prototype: object } }).Qwen2VLForConditionalGeneration.prototype) as Rope, { config });
  const grid = (g: number[][]) => (g.length ? new tjs.Tensor('int64', BigInt64Array.from(g.flat().map(BigInt)), [g.length, 3]) : null);
  const S = ids.length;
  const [pos] = model.get_rope_index(new tjs.Tensor('int64', BigInt64Array.from(ids), [1, S]), grid(images), grid(videos), new tjs.Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]));
  return Array.from(pos.data, Number);
}

const text = (n: number, from = 1000n) => Array.from({ length: n }, (_, i) => from + BigInt(i));
const block = (pad: bigint, [t, h, w]: number[]) => [VS, ...Array<bigint>((t! * h! * w!) / 4).fill(pad), VE];
const mine = (ids: bigint[], images: VisionGrid[], videos: VisionGrid[]) => {
  const r = mropePositions(BigInt64Array.from(ids), tokens, images, videos);
  return { flat: Array.from(r.positionIds, Number), delta: r.delta };
};

describe('video M-RoPE matches transformers.js get_rope_index with a video_grid_thw', () => {
  it('Qwen2-VL: one video grid [3, 4, 6] between text', () => {
    const ids = [...text(5), ...block(VIDEO, [3, 4, 6]), ...text(4, 2000n)];
    const got = mine(ids, [], [{ grid: [3, 4, 6] }]);
    const ref = reference(ids, [], [[3, 4, 6]]);
    expect(got.flat).toEqual(ref);
    expect(got.delta).toBe(Math.max(...ref) + 1 - ids.length);
  });

  it('an image then a video: each block takes its own grid, in prompt order', () => {
    const ids = [...text(3), ...block(IMAGE, [1, 4, 4]), ...text(2), ...block(VIDEO, [2, 6, 4]), ...text(3)];
    expect(mine(ids, [{ grid: [1, 4, 4] }], [{ grid: [2, 6, 4] }]).flat).toEqual(reference(ids, [[1, 4, 4]], [[2, 6, 4]]));
  });

  it('Qwen2.5-VL with one position per temporal patch (second_per_grid_t × tokens_per_second = 1) is the plain index', () => {
    const ids = [...text(4), ...block(VIDEO, [4, 2, 4]), ...text(2)];
    expect(mine(ids, [], [{ grid: [4, 2, 4], tStep: 1 }]).flat).toEqual(reference(ids, [], [[4, 2, 4]]));
  });

  it('Qwen2.5-VL absolute time: t = floor(patch × second_per_grid_t × tokens_per_second); h, w and the text after follow from it', () => {
    // 4 temporal patches 2 s apart (frames at 1 fps), tokens_per_second 2 → t offsets 0, 4, 8, 12.
    const ids = [...text(4), ...block(VIDEO, [4, 2, 4]), ...text(2)];
    const S = ids.length;
    const got = mine(ids, [], [{ grid: [4, 2, 4], tStep: 2 * 2 }]).flat;
    const ref = reference(ids, [], [[4, 2, 4]]);
    const base = 5; // 4 text tokens + vision_start
    const vision = Array.from({ length: 8 }, (_, i) => 5 + i);
    // h and w rows are transformers.js' own; t of patch a is base + 4a instead of base + a.
    for (const row of [1, 2]) expect(vision.map((j) => got[row * S + j])).toEqual(vision.map((j) => ref[row * S + j]));
    expect(vision.map((j) => got[j]! - base)).toEqual([0, 0, 4, 4, 8, 8, 12, 12]);
    // vision_end and the text after restart at max + 1 = base + 12 + 1.
    expect(got[13]).toBe(base + 13);
    expect([got[S + 13], got[2 * S + 13]]).toEqual([base + 13, base + 13]);
  });

  it('Qwen3-VL: timestamp text before each temporal patch, every patch its own grid [1, h, w]', () => {
    const stamp = (i: number) => text(5, 3000n + BigInt(i * 10)); // "<1.5 seconds>" tokens
    const ids = [...text(3), ...stamp(0), ...block(VIDEO, [1, 4, 4]), ...stamp(1), ...block(VIDEO, [1, 4, 4]), ...stamp(2), ...block(VIDEO, [1, 4, 4]), ...text(2)];
    const split: VisionGrid[] = [0, 1, 2].map(() => ({ grid: [1, 4, 4] }));
    expect(mine(ids, [], split).flat).toEqual(reference(ids, [], [[1, 4, 4], [1, 4, 4], [1, 4, 4]]));
  });
});
