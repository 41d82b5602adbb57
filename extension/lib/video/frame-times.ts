import { MAX_VIDEO_FRAMES } from '@loupe/shared';

/**
 * Which moments of a video Loupe sends, decided before any pixel is read.
 *
 * What is sampled (what users expect from "Explain this video"):
 * - by default the **whole video**, whatever its length: a 12 s clip gets one frame a second, a
 *   1.5-hour film gets 32 frames spread evenly (one every ~3 min), so the answer can summarise it
 *   by section;
 * - a live stream (no finite duration) gets the last LIVE_WINDOW_S seconds up to now;
 * - the panel lets the user pick a range instead (from / to, or "from the current time").
 * Frames: at most SAMPLE_FPS a second and MAX_SAMPLED_FRAMES in all (fewer through tab captures,
 * which the browser rate-limits), an even count (Qwen-VL merges frames in temporal pairs), each
 * at the middle of its equal slice of the range (never the black first frame or the very end).
 */
export const SAMPLE_FPS = 1;
export const MAX_SAMPLED_FRAMES = Math.min(32, MAX_VIDEO_FRAMES);
/** captureVisibleTab: Chrome allows 2 calls a second, so a tab-capture clip is kept shorter. */
export const MAX_TAB_CAPTURE_FRAMES = 16;
/** Per-frame pixel cap (~360×420, Qwen-VL's usual video guidance to stay in memory). */
export const FRAME_PIXEL_CAP = 360 * 420;
export const LIVE_WINDOW_S = 30;
/** "From the current time" samples this long a stretch (or to the end, if sooner). */
export const FROM_NOW_WINDOW_S = 60;

export type Range = [start: number, end: number];

/** What the content script reports about a video before sampling it. */
export interface VideoTiming {
  duration: number;
  currentTime: number;
  /** Seekable ranges' outer bounds, when known (live streams). */
  seekable?: Range;
}

/** What the user asked for: the default (whole video), a range, or from the current time. */
export type RangeRequest = { kind: 'default' } | { kind: 'range'; range: Range } | { kind: 'from-now' };

/** The range to sample, clamped to what the video has. */
export function chooseRange(video: VideoTiming, request: RangeRequest = { kind: 'default' }): Range {
  const live = !Number.isFinite(video.duration) || video.duration <= 0;
  const lo = live ? (video.seekable?.[0] ?? 0) : 0;
  const hi = live ? (video.seekable?.[1] ?? video.currentTime) : video.duration;
  const clamp = (t: number) => Math.min(hi, Math.max(lo, t));
  if (request.kind === 'range') {
    const [a, b] = [clamp(Math.min(...request.range)), clamp(Math.max(...request.range))];
    return [a, b];
  }
  if (request.kind === 'from-now') return [clamp(video.currentTime), clamp(video.currentTime + FROM_NOW_WINDOW_S)];
  if (live) return [clamp(hi - LIVE_WINDOW_S), hi];
  return [0, video.duration];
}

/** The frame times (seconds, ms precision, in order) for `range`. */
export function chooseFrameTimes(range: Range, maxFrames: number = MAX_SAMPLED_FRAMES, fps: number = SAMPLE_FPS): number[] {
  const [start, end] = range;
  const span = end - start;
  if (!(span > 0)) return [round(start)];
  let n = Math.min(maxFrames, Math.max(2, Math.ceil(span * fps)));
  if (n > 1 && n % 2 === 1) n = n + 1 <= maxFrames ? n + 1 : n - 1;
  const step = span / n;
  return Array.from({ length: n }, (_, i) => round(start + (i + 0.5) * step));
}

/** Frame size: the video's own pixels, scaled down (never up) to FRAME_PIXEL_CAP. */
export function frameSize(video: { width: number; height: number }, cap: number = FRAME_PIXEL_CAP): { width: number; height: number } {
  const pixels = video.width * video.height;
  const scale = pixels > cap ? Math.sqrt(cap / pixels) : 1;
  return { width: Math.max(1, Math.floor(video.width * scale)), height: Math.max(1, Math.floor(video.height * scale)) };
}

const round = (t: number) => Math.round(t * 1000) / 1000;
