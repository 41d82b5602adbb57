import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_VIDEO_BYTES, MAX_VIDEO_FRAMES, ProtocolError, type VideoClip } from '@loupe/shared';
import { sampleVideoFile } from '../video/sample-file';
import { decodeBase64Image } from './conversation';
import { HttpError } from './http-io';

/** A video in a chat request: a file (vLLM's `video_url` with a data: URI) or its frames (`video` with a list of image data: URIs). */
export type VideoPart = { file: Uint8Array } | { frames: Uint8Array[]; fps: number };

const HINT = 'Send one `{"type":"video_url","video_url":{"url":"data:video/mp4;base64,…"}}` part, or `{"type":"video","video":["data:image/jpeg;base64,…", …],"fps":1}`.';
const bad = (message: string, hint = HINT): HttpError => new HttpError(400, 'bad_request', message, hint, 'messages');

const dataUri = (url: unknown, kind: 'video' | 'image'): string => {
  if (typeof url !== 'string') throw bad(`a ${kind} part needs a data: URI string`);
  const match = /^data:([a-z0-9.+/-]+)?(;[a-z0-9=.+-]+)*;base64,/i.exec(url.slice(0, 200));
  if (!match) throw bad(/^https?:/i.test(url) ? `${kind} URLs are not fetched by Loupe` : `a ${kind} must be a base64 data: URI`, `Inline the ${kind} as a \`data:${kind}/...;base64,\` URI.`);
  return url.slice(match[0].length);
};

/** Reads a `video_url` or `video` content part (the caller has checked `type`). */
export function parseVideoPart(part: Record<string, unknown>): VideoPart {
  if (part.type === 'video_url') {
    const ref = part.video_url;
    const url = typeof ref === 'object' && ref !== null ? (ref as { url?: unknown }).url : ref;
    const b64 = dataUri(url, 'video');
    if (b64.length > Math.ceil((MAX_VIDEO_BYTES * 4) / 3) + 4) {
      throw new HttpError(413, 'image_too_large', `an inline video is over the ${MAX_VIDEO_BYTES / 1048576} MB limit`, 'Send a shorter clip, or run `loupe describe <file>` on the file.', 'messages');
    }
    const file = Buffer.from(b64, 'base64');
    if (file.length === 0) throw bad('the video is empty or not base64');
    return { file: new Uint8Array(file.buffer, file.byteOffset, file.byteLength) };
  }
  const list = part.video;
  if (!Array.isArray(list) || list.length === 0) throw bad('a video part needs `video`: a list of frame data: URIs');
  if (list.length > MAX_VIDEO_FRAMES) throw bad(`a video part takes at most ${MAX_VIDEO_FRAMES} frames`, 'Send fewer frames.');
  const fps = part.fps === undefined ? 1 : Number(part.fps);
  if (!(fps > 0 && fps <= 60)) throw bad('`fps` must be a number above 0 and at most 60');
  return { frames: list.map((url) => decodeBase64Image(dataUri(url, 'image'), 'messages')), fps };
}

/** The job's frames and clip: a file is sampled with the bundled ffmpeg like `loupe describe`; frames get times from their fps. */
export async function resolveVideo(part: VideoPart): Promise<{ frames: Uint8Array[]; clip: VideoClip }> {
  if ('frames' in part) return { frames: part.frames, clip: { frameTimes: part.frames.map((_, i) => Math.round((i / part.fps) * 1000) / 1000) } };
  const dir = mkdtempSync(join(tmpdir(), 'loupe-video-'));
  try {
    const path = join(dir, 'upload');
    writeFileSync(path, part.file, { mode: 0o600 });
    const sampled = await sampleVideoFile(path, { name: 'the video' });
    return { frames: sampled.frames, clip: sampled.clip };
  } catch (error) {
    if (error instanceof ProtocolError) throw new HttpError(error.code === 'image_too_large' ? 413 : error.code === 'engine_unavailable' ? 503 : 400, error.code, error.message, error.hint ?? HINT, 'messages');
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
