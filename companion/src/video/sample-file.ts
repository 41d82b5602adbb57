import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { MAX_VIDEO_BYTES, MAX_VIDEO_FRAMES, ProtocolError, type VideoClip } from '@loupe/shared';
import { QWEN_VL_BASE } from '@loupe/models';
import { runFfmpeg } from './ffmpeg';
import { decodeFailure, parseProbe, type VideoProbe } from './probe';

/** Frames per second sampled from a video file, before the frame budget (long clips get fewer). */
export const SAMPLE_FPS = 1;
/** Largest video file decoded (it is read by ffmpeg from disk, never held in memory). */
export const MAX_VIDEO_FILE_BYTES = 8 * 1024 * 1024 * 1024;

export interface SampleOptions {
  /** Seconds: the part of the video to sample. */
  from?: number;
  to?: number;
  /** How many frames at most (default and ceiling MAX_VIDEO_FRAMES). */
  frames?: number;
  /** Pixels per frame at most (default: the per-frame cap the Qwen-VL families share). */
  maxFramePixels?: number;
  /** Called after each frame: a progress line. */
  onFrame?: (done: number, total: number) => void;
  /** Name used in messages (default: the file's base name). */
  name?: string;
}

export interface SampledVideo {
  /** JPEG stills, time order. */
  frames: Uint8Array[];
  clip: VideoClip;
  probe: VideoProbe;
}

/** The times to sample: ~SAMPLE_FPS over [from, to), spread evenly, never more than `max`. */
export function sampleTimes(from: number, to: number, max: number): number[] {
  const span = to - from;
  const count = Math.max(1, Math.min(max, Math.floor(span * SAMPLE_FPS)));
  return Array.from({ length: count }, (_, i) => Math.round((from + (i * span) / count) * 1000) / 1000);
}

/**
 * Samples stills from a video file with the bundled ffmpeg: its duration from ffmpeg's own probe,
 * one fast seek per frame (a 1.5-hour file costs no more than a 3-minute one), each scaled to
 * the per-frame cap and encoded as JPEG.
 */
export async function sampleVideoFile(path: string, o: SampleOptions = {}): Promise<SampledVideo> {
  const name = o.name ?? basename(path);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new ProtocolError('bad_request', `${name} does not exist`, 'Check the path.');
  }
  if (size > MAX_VIDEO_FILE_BYTES) {
    throw new ProtocolError('image_too_large', `${name} is ${Math.ceil(size / 1024 ** 3)} GB, over the ${MAX_VIDEO_FILE_BYTES / 1024 ** 3} GB limit for video files`, 'Cut the part you want first (e.g. `ffmpeg -ss 60 -t 300 -i in.mp4 -c copy part.mp4`).');
  }
  const probe = parseProbe((await runFfmpeg(['-i', path], { timeoutMs: 30_000 })).stderr, name);
  const duration = probe.duration;
  const from = Math.max(0, o.from ?? 0);
  const end = duration ?? o.to;
  if (end === undefined) throw new ProtocolError('bad_request', `${name} does not say how long it is`, 'Give the part to sample with --to SECONDS.');
  const to = Math.min(o.to ?? end, end);
  if (!(to > from)) {
    throw new ProtocolError('bad_request', `the range ${from}–${o.to ?? end} s is empty${duration ? ` (${name} is ${Math.round(duration * 10) / 10} s long)` : ''}`, 'Give --from below --to, inside the video.');
  }
  const max = Math.max(1, Math.min(MAX_VIDEO_FRAMES, o.frames ?? MAX_VIDEO_FRAMES));
  const times = sampleTimes(from, to, max);
  const cap = o.maxFramePixels ?? QWEN_VL_BASE.video.maxFramePixels;
  // Shrink to the cap keeping the aspect ratio (even sides); ffmpeg has applied any rotation by then.
  const scale = `scale=w='if(gt(iw*ih,${cap}),trunc(sqrt(${cap}*iw/ih)/2)*2,iw)':h=-2`;
  const frames: Uint8Array[] = [];
  const kept: number[] = [];
  let bytes = 0;
  let lastError = '';
  for (const [i, t] of times.entries()) {
    const run = await runFfmpeg(['-loglevel', 'error', '-ss', String(t), '-i', path, '-frames:v', '1', '-vf', scale, '-c:v', 'mjpeg', '-q:v', '3', '-f', 'image2pipe', 'pipe:1'], { timeoutMs: 60_000 });
    o.onFrame?.(i + 1, times.length);
    // A seek past the last decodable frame gives nothing: that time is skipped.
    if (run.stdout.byteLength === 0) {
      lastError = run.stderr;
      continue;
    }
    bytes += run.stdout.byteLength;
    if (bytes > MAX_VIDEO_BYTES) throw new ProtocolError('image_too_large', `the sampled frames of ${name} are over ${MAX_VIDEO_BYTES / 1048576} MB together`, 'Sample fewer frames (--frames N).');
    frames.push(new Uint8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.byteLength));
    kept.push(t);
  }
  if (frames.length === 0) throw decodeFailure(lastError, name, probe.codec);
  return { frames, probe, clip: { frameTimes: kept, range: [from, to], source: 'file', ...(duration ? { duration } : {}) } };
}
