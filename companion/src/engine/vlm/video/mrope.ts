import type { RopePositions } from '../inputs';

/** One vision block in the prompt: its grid and, for a video, how far apart its temporal patches sit on the t axis. */
export interface VisionGrid {
  grid: readonly [number, number, number];
  /** t position step per temporal patch (Qwen2.5-VL: second_per_grid_t × tokens_per_second; 1 otherwise); t index = floor(i × step). */
  tStep?: number;
}

export interface MropeTokens {
  visionStart: bigint;
  imagePad: bigint;
  videoPad: bigint;
  mergeSize: number;
}

/**
 * M-RoPE positions as Hugging Face's Qwen2.5-VL `get_rope_index` computes them, images and
 * videos in prompt order: text runs on from the last max + 1; a vision block's tokens get
 * (t, h, w) = (floor(i × tStep), row, column) offsets from the position after the text before it.
 * transformers.js' get_rope_index is the same with tStep always 1 (it ignores second_per_grid_ts).
 * Each vision block is found where a vision_start is followed by a pad, as the reference does.
 */
export function mropePositions(ids: BigInt64Array, tokens: MropeTokens, images: readonly VisionGrid[], videos: readonly VisionGrid[]): RopePositions {
  const S = ids.length;
  const out = new BigInt64Array(3 * S);
  let next = 0;
  let image = 0;
  let video = 0;
  let i = 0;
  const text = (upTo: number) => {
    for (; i < upTo; i++, next++) out[i] = out[S + i] = out[2 * S + i] = BigInt(next);
  };
  while (i < S) {
    const start = findBlock(ids, i, tokens);
    if (start < 0) break;
    text(start);
    const isVideo = ids[start] === tokens.videoPad;
    const block = isVideo ? videos[video++] : images[image++];
    if (!block) throw new Error(`the prompt has more ${isVideo ? 'video' : 'image'} blocks than grids were given`);
    const [gt, gh, gw] = block.grid;
    const H = gh / tokens.mergeSize;
    const W = gw / tokens.mergeSize;
    const step = block.tStep ?? 1;
    const base = next;
    let max = base;
    for (let a = 0; a < gt; a++) {
      const t = base + Math.floor(a * step);
      for (let b = 0; b < H; b++) {
        for (let c = 0; c < W; c++, i++) {
          out[i] = BigInt(t);
          out[S + i] = BigInt(base + b);
          out[2 * S + i] = BigInt(base + c);
        }
      }
      max = Math.max(max, t, base + H - 1, base + W - 1);
    }
    next = max + 1;
  }
  text(S);
  return { positionIds: out, delta: next - S };
}

/** Index of the first pad token of the next vision block at or after `from`, or -1. */
function findBlock(ids: BigInt64Array, from: number, t: MropeTokens): number {
  for (let j = Math.max(from, 1); j < ids.length; j++) {
    if ((ids[j] === t.imagePad || ids[j] === t.videoPad) && ids[j - 1] === t.visionStart) return j;
  }
  return -1;
}
