import type { VideoFrames, VideoOnScreen, VideoProbe } from '../messages';
import { frameSize } from '../video/frame-times';
import { elementsUnderLastClick } from './pick-image';

/**
 * The page side of "Explain video": finds the right-clicked <video>, draws stills from it at
 * given times (its own resolution, scaled to the per-frame cap), or seeks it frame by frame
 * for tab captures, and always puts its time and play state back. Videos are named by an id
 * given here, so a later timestamp click seeks the same element.
 */
const videos = new Map<number, WeakRef<HTMLVideoElement>>();
const ids = new WeakMap<HTMLVideoElement, number>();
let nextId = 1;
/** Videos held for sampling: what to restore. */
const held = new Map<HTMLVideoElement, { time: number; paused: boolean; controls: boolean }>();

const SEEK_TIMEOUT_MS = 8_000;
const FRAME_TIMEOUT_MS = 300;
const JPEG_QUALITY = 0.85;

function idOf(video: HTMLVideoElement): number {
  let id = ids.get(video);
  if (id === undefined) {
    id = nextId++;
    ids.set(video, id);
    videos.set(id, new WeakRef(video));
  }
  return id;
}

/** The largest <video> of the frame (a page's main player), for a seek whose element is gone. */
function mainVideo(): HTMLVideoElement | undefined {
  const area = (v: HTMLVideoElement) => v.getBoundingClientRect().width * v.getBoundingClientRect().height;
  return [...document.querySelectorAll('video')].sort((a, b) => area(b) - area(a))[0];
}

function byId(videoId: number | undefined): HTMLVideoElement | undefined {
  const v = videoId === undefined ? undefined : videos.get(videoId)?.deref();
  return v?.isConnected ? v : undefined;
}

function findVideo(videoId?: number, srcUrl?: string): HTMLVideoElement | undefined {
  return (
    byId(videoId) ??
    elementsUnderLastClick().find((el): el is HTMLVideoElement => el instanceof HTMLVideoElement) ??
    [...document.querySelectorAll('video')].find((v) => srcUrl && (v.currentSrc === srcUrl || v.src === srcUrl))
  );
}

/** Waits for the video's metadata (a `preload="none"` video has none until asked). */
async function withMetadata(video: HTMLVideoElement): Promise<void> {
  if (video.readyState >= 1) return;
  if (video.preload === 'none') video.preload = 'metadata';
  await once(video, 'loadedmetadata', SEEK_TIMEOUT_MS);
}

function isTainted(video: HTMLVideoElement): boolean {
  try {
    const c = document.createElement('canvas');
    c.width = c.height = 1;
    const g = c.getContext('2d')!;
    g.drawImage(video, 0, 0, 1, 1);
    g.getImageData(0, 0, 1, 1);
    return false;
  } catch {
    return true;
  }
}

export async function probeVideo(videoId?: number, srcUrl?: string): Promise<VideoProbe | null> {
  const video = findVideo(videoId, srcUrl);
  if (!video) return null;
  await withMetadata(video);
  const s = video.seekable;
  return {
    videoId: idOf(video),
    duration: Number.isFinite(video.duration) ? video.duration : null,
    currentTime: video.currentTime,
    paused: video.paused,
    width: video.videoWidth,
    height: video.videoHeight,
    ...(s.length > 0 ? { seekable: [s.start(0), s.end(s.length - 1)] as [number, number] } : {}),
    tainted: video.readyState >= 2 ? isTainted(video) : false,
    topFrame: window === window.top,
  };
}

/** Pauses the video and remembers how it was (time, playing, controls) until release. */
function hold(video: HTMLVideoElement, hideControls: boolean): void {
  if (!held.has(video)) held.set(video, { time: video.currentTime, paused: video.paused, controls: video.controls });
  video.pause();
  if (hideControls) video.controls = false;
}

function release(video: HTMLVideoElement): void {
  const saved = held.get(video);
  if (!saved) return;
  held.delete(video);
  video.controls = saved.controls;
  video.currentTime = saved.time;
  if (!saved.paused) void video.play().catch(() => undefined);
}

/** Seeks and waits until the frame at `time` is the one shown (seeked, then the next presented frame). */
async function seek(video: HTMLVideoElement, time: number): Promise<void> {
  const seeked = once(video, 'seeked', SEEK_TIMEOUT_MS);
  video.currentTime = time;
  await seeked;
  const rvfc = (video as HTMLVideoElement & { requestVideoFrameCallback?: (cb: () => void) => number }).requestVideoFrameCallback;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, FRAME_TIMEOUT_MS);
    rvfc?.call(video, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export async function drawFrames(videoId: number, times: number[], maxPixels: number): Promise<VideoFrames | null> {
  const video = byId(videoId);
  if (!video) return null;
  const size = frameSize({ width: video.videoWidth, height: video.videoHeight }, maxPixels);
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const g = canvas.getContext('2d')!;
  g.imageSmoothingQuality = 'high';
  hold(video, false);
  try {
    const frames: Extract<VideoFrames, { frames: unknown }>['frames'] = [];
    for (const time of times) {
      await seek(video, time);
      g.drawImage(video, 0, 0, size.width, size.height);
      try {
        frames.push({ time, dataUrl: canvas.toDataURL('image/jpeg', JPEG_QUALITY), ...size });
      } catch {
        return { tainted: true };
      }
    }
    return { frames };
  } finally {
    release(video);
  }
}

export function holdForCapture(videoId: number): boolean {
  const video = byId(videoId);
  if (!video) return false;
  hold(video, true);
  const r = video.getBoundingClientRect();
  if (r.top < 0 || r.left < 0 || r.bottom > innerHeight || r.right > innerWidth) video.scrollIntoView({ block: 'center', inline: 'center' });
  return true;
}

/** Seeks for a tab capture and answers once the frame is painted, with where the video is on screen. */
export async function seekForCapture(videoId: number, time: number): Promise<VideoOnScreen | null> {
  const video = byId(videoId);
  if (!video) return null;
  await seek(video, time);
  await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
  const r = video.getBoundingClientRect();
  return { rect: { x: r.left, y: r.top, width: r.width, height: r.height }, viewport: { width: innerWidth, height: innerHeight }, dpr: devicePixelRatio || 1 };
}

export function releaseVideo(videoId: number): boolean {
  const video = byId(videoId);
  if (video) release(video);
  return !!video;
}

/** A timestamp clicked in the panel: the video jumps there (and comes into view); play state stays as it is. */
export function seekVideo(videoId: number | undefined, time: number): boolean {
  const video = byId(videoId) ?? mainVideo();
  if (!video) return false;
  video.currentTime = Number.isFinite(video.duration) ? Math.min(time, video.duration) : time;
  const r = video.getBoundingClientRect();
  if (r.bottom < 0 || r.top > innerHeight) video.scrollIntoView({ block: 'center' });
  return true;
}

function once(target: EventTarget, type: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      target.removeEventListener(type, done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    target.addEventListener(type, done, { once: true });
  });
}
