import { ProtocolError } from '@loupe/shared';

export interface VideoProbe {
  /** Seconds; undefined when the container does not say (a live stream). */
  duration?: number;
  codec: string;
  width: number;
  height: number;
}

const CONVERT_HINT = 'Convert it to an H.264 MP4 first (e.g. `ffmpeg -i in.mov -c:v libx264 out.mp4`).';

/**
 * Reads what `ffmpeg -i FILE` prints about its input (ffmpeg's own probe, no ffprobe binary
 * needed): the duration and the first video stream, or the one-line reason it is not a video.
 */
export function parseProbe(stderr: string, name: string): VideoProbe {
  if (/Invalid data found when processing input|moov atom not found|could not find codec parameters|EBML header parsing failed/i.test(stderr)) {
    throw new ProtocolError('unsupported_image', `${name} is not a video file ffmpeg can read`, 'Give an MP4, WebM, MOV or MKV video file.');
  }
  if (/No such file or directory/.test(stderr)) throw new ProtocolError('bad_request', `${name} does not exist`, 'Check the path.');
  const stream = /Stream #\d+:\d+[^:]*: Video: ([A-Za-z0-9_]+)[^\n]*?, (\d{2,5})x(\d{2,5})/.exec(stderr);
  if (!stream) throw new ProtocolError('unsupported_image', `${name} has no video stream`, 'Give a video file (an audio-only file has no frames to look at).');
  const codec = stream[1]!;
  const missing = /Decoder \(codec ([^)]+)\) not found|Unsupported codec[^\n]*?(?:id|codec) ?=? ?(\S+)/i.exec(stderr);
  if (missing) throw new ProtocolError('unsupported_image', `${name}: the video codec "${missing[1] ?? codec}" is not supported by the bundled ffmpeg`, CONVERT_HINT);
  const d = /Duration: (\d+):(\d{2}):(\d{2}(?:\.\d+)?)/.exec(stderr);
  const duration = d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : undefined;
  return { codec, width: Number(stream[2]), height: Number(stream[3]), ...(duration !== undefined && duration > 0 ? { duration } : {}) };
}

/** The reason a frame could not be decoded, from ffmpeg's stderr. */
export function decodeFailure(stderr: string, name: string, codec: string): ProtocolError {
  if (/Decoder \(codec [^)]+\) not found|not supported|Unsupported/i.test(stderr)) {
    return new ProtocolError('unsupported_image', `${name}: the video codec "${codec}" is not supported by the bundled ffmpeg`, CONVERT_HINT);
  }
  const last = stderr.trim().split('\n').pop()?.slice(0, 200) ?? 'no output';
  return new ProtocolError('unsupported_image', `${name}: ffmpeg could not decode a frame (${last})`, CONVERT_HINT);
}
