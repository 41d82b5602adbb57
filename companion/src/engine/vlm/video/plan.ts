import { ProtocolError, type VideoClip } from '@loupe/shared';
import { fitSize } from '../../../intake';
import type { Family } from '@loupe/models';
import type { VisionGrid } from './mrope';

/** What the model is given of a clip: which frames, at what size, and how its time is told. */
export interface VideoPlan {
  /** Indices into the job's frames, in time order. */
  frames: number[];
  /** Their times, seconds. */
  times: number[];
  size: { width: number; height: number };
  /** Temporal patches (pairs of frames): the video grid's t. */
  groups: number;
  tokensPerGroup: number;
  /** Each temporal patch's time (the mean of its first and last frame), seconds: Qwen3-VL's text timestamps. */
  groupTimes: number[];
  /** Seconds between temporal patches: Qwen2.5-VL's second_per_grid_t. */
  secondsPerGroup: number;
}

export interface VideoLimits {
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
  /** The processor's own bounds on one picture. */
  procMin: number;
  procMax: number;
}

/**
 * Fits a clip to the family's budget: every frame at one size, as large as the per-frame cap and
 * the clip's token budget allow; when even the smallest worthwhile frames would not fit, frames
 * are dropped evenly over the clip (the first and last kept).
 */
export function planVideo(clip: VideoClip, frameSize: { width: number; height: number }, family: Family, limits: VideoLimits): VideoPlan {
  const T = limits.temporalPatchSize;
  const factor = limits.patchSize * limits.mergeSize;
  const tokensAt = (pixels: number) => pixels / (factor * factor);
  const { tokenBudget, maxFramePixels, minFramePixels } = family.video;
  const n = clip.frameTimes.length;
  const maxGroups = Math.max(1, Math.floor(tokenBudget / tokensAt(Math.max(minFramePixels, limits.procMin))));
  const keep = Math.min(n, maxGroups * T);
  const frames = keep === n ? [...Array(n).keys()] : evenly(n, keep);
  const groups = Math.ceil(frames.length / T);
  const perFrame = Math.max(limits.procMin, Math.min(maxFramePixels, limits.procMax, (tokenBudget / groups) * factor * factor));
  const size = fitSize(frameSize.width, frameSize.height, { maxPixels: perFrame, multipleOf: factor, minPixels: limits.procMin });
  const times = frames.map((f) => clip.frameTimes[f]!);
  const groupTimes = Array.from({ length: groups }, (_, g) => (times[g * T]! + times[Math.min(g * T + T - 1, times.length - 1)]!) / 2);
  const span = times.length > 1 ? times.at(-1)! - times[0]! : 0;
  return {
    frames,
    times,
    size,
    groups,
    tokensPerGroup: tokensAt(size.width * size.height),
    groupTimes,
    secondsPerGroup: span > 0 ? (T * span) / (times.length - 1) : T,
  };
}

/** `keep` indices spread evenly over 0..n-1, first and last included. */
function evenly(n: number, keep: number): number[] {
  if (keep <= 1) return [0];
  return Array.from({ length: keep }, (_, i) => Math.round((i * (n - 1)) / (keep - 1)));
}

/** The video grid(s) M-RoPE sees: one [groups, h, w] with the family's time step, or (text timestamps) one [1, h, w] per temporal patch. */
export function videoGrids(plan: VideoPlan, family: Family, patchSize: number, tokensPerSecond?: number): VisionGrid[] {
  const h = plan.size.height / patchSize;
  const w = plan.size.width / patchSize;
  const time = family.video.time;
  if (time.kind === 'text-timestamps') return Array.from({ length: plan.groups }, () => ({ grid: [1, h, w] as const }));
  const tStep = time.kind === 'absolute-mrope' ? plan.secondsPerGroup * (tokensPerSecond ?? time.tokensPerSecond) : 1;
  return [{ grid: [plan.groups, h, w], tStep }];
}

/** Qwen3-VL's text before each temporal patch, as its processor writes it (`<12.5 seconds>`). */
export const timestampText = (seconds: number): string => `<${seconds.toFixed(1)} seconds>`;

/** Video input is for questions about the clip; the other tasks read one still. */
export function checkVideoTask(task: string, jobId: string): void {
  if (task !== 'describe' && task !== 'ask') {
    throw new ProtocolError('bad_request', `task "${task}" reads one still image, not a video`, 'Use describe or ask for a video, or send one frame as an image.', jobId);
  }
}
