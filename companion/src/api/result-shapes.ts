import type { Done } from '@loupe/shared';

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
