import type { Done, VideoClip } from '@loupe/shared';

/**
 * The answer shapes of the HTTP API, in one place: the routes send them and `loupe
 * describe|ocr --json` writes them, so a script reads the same field names from either.
 */
export function describeResult(done: Done): Record<string, unknown> {
  return {
    description: done.text,
    /** Seconds, like the seed's FastAPI server. */
    inference_time: Math.round(done.stats.totalMs) / 1000,
    model: done.model.standIn ? 'stand-in' : done.model.id,
    device: done.model.device,
    stand_in: done.model.standIn,
    finish_reason: done.finishReason,
    stats: done.stats,
    ...(done.boxes ? { boxes: done.boxes } : {}),
  };
}

export function ocrResult(done: Done): Record<string, unknown> {
  return { text: done.text, lines: done.lines ?? [], blocks: done.blocks ?? [], no_text: done.no_text ?? false, ms: done.stats.totalMs, engine: done.model.engine };
}

/** A video's answer: describeResult plus what was sampled from the file and what the model saw of it. */
export function videoResult(done: Done, clip: VideoClip, file?: { file: string; width: number; height: number }): Record<string, unknown> {
  return {
    ...describeResult(done),
    video: {
      ...(file ? { file: file.file, width: file.width, height: file.height } : {}),
      ...(clip.duration !== undefined ? { duration: clip.duration } : {}),
      ...(clip.range ? { range: clip.range } : {}),
      frames_sampled: clip.frameTimes.length,
      frame_times: clip.frameTimes,
      frames_seen: done.stats.videoFrames ?? clip.frameTimes.length,
      frame_times_seen: done.stats.videoFrameTimes ?? clip.frameTimes,
    },
  };
}
