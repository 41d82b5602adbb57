import { z } from 'zod';
import { MAX_VIDEO_FRAMES } from './constants';

/** A rectangle in the original image's pixels. */
export const Region = z.strictObject({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
});
export type Region = z.infer<typeof Region>;

/** [x0, y0, x1, y1] in the original image's pixels. */
export const Box = z.tuple([z.number(), z.number(), z.number(), z.number()]);
export type Box = z.infer<typeof Box>;

export const OcrLine = z.object({ text: z.string(), box: Box, score: z.number() });
export type OcrLine = z.infer<typeof OcrLine>;

/**
 * A block of an OCR result's text: lines `firstLine`..`lastLine` (0-based, inclusive, in `text`).
 * `code` is text laid out as code (monospace indentation, code punctuation), with a language
 * guess only when it is clear; `table` is a grid of cells or an ASCII/box-drawing table.
 */
export const OcrBlock = z.object({
  kind: z.enum(['prose', 'code', 'table']),
  firstLine: z.number().int().nonnegative(),
  lastLine: z.number().int().nonnegative(),
  language: z.string().optional(),
});
export type OcrBlock = z.infer<typeof OcrBlock>;

/** A grounding answer: a labelled box in the original image's pixels. */
export const GroundBox = z.object({ label: z.string(), box: Box });
export type GroundBox = z.infer<typeof GroundBox>;

export const JobStats = z.object({
  queueMs: z.number().optional(),
  preprocessMs: z.number().optional(),
  visionEncodeMs: z.number().optional(),
  prefillMs: z.number().optional(),
  ttftMs: z.number().optional(),
  decodeTokens: z.number().optional(),
  tokensPerSecond: z.number().optional(),
  visualTokens: z.number().optional(),
  /** How many images the model encoded for this answer: every image of the conversation so far. */
  images: z.number().int().nonnegative().optional(),
  /** Every token the model read before its first answer token: text + image + earlier turns. */
  promptTokens: z.number().optional(),
  /** The first decode step alone (after prefill), ms. */
  firstStepMs: z.number().optional(),
  /** Mean decode step, ms, and the part of it spent outside onnxruntime's session.run. */
  decodeStepMs: z.number().optional(),
  stepOutsideRunMs: z.number().optional(),
  totalMs: z.number(),
  /** A video job: the frames the model actually saw (after its budget), with their times in seconds. */
  videoFrames: z.number().int().optional(),
  videoFrameTimes: z.array(z.number()).optional(),
  device: z.string().optional(),
  dtype: z.string().optional(),
});
export type JobStats = z.infer<typeof JobStats>;

/**
 * What to expect before clicking: time to the first word of a describe of a 1280×720 screenshot,
 * and decode tokens/s, on this machine. `basis` says how it was got (a measured warm-up run, or
 * the model's size × the machine's memory bandwidth).
 */
export const SpeedEstimate = z.object({
  ttft720pMs: z.number().nonnegative(),
  tokensPerSecond: z.number().nonnegative(),
  basis: z.enum(['measured at load', 'model size × memory bandwidth']),
});
export type SpeedEstimate = z.infer<typeof SpeedEstimate>;

/** Who answered: shown in the panel so users know which model saw their image. */
export const ModelInfo = z.object({
  id: z.string(),
  engine: z.string(),
  device: z.string(),
  dtype: z.string().optional(),
  /** True for the tiny test stand-in model: its output is noise and must be labelled so. */
  standIn: z.boolean(),
  /** Caveats users should know: why it is not on the GPU, family limitations, stand-in label. */
  note: z.string().optional(),
  /** Other vision models the same remote server serves, which an API client may name instead. */
  served: z.array(z.string()).optional(),
  /** Why it is not on the device asked for or tried first (auto moved on), in words with the fix. */
  fallbackReason: z.string().optional(),
  /** Local engines: the expected speed on this machine (the panel shows it in the status line). */
  speed: SpeedEstimate.optional(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

export const EngineStatus = z.object({
  name: z.string(),
  kind: z.enum(['ocr', 'vlm']),
  state: z.enum(['loading', 'ready', 'error', 'absent']),
  tasks: z.array(z.string()),
  model: ModelInfo.optional(),
  /** Why the engine is not on the GPU, or why it failed, in words. */
  note: z.string().optional(),
  queue: z.number().int().nonnegative(),
});
export type EngineStatus = z.infer<typeof EngineStatus>;

export const ServerStatus = z.object({
  version: z.string(),
  clients: z.number().int().nonnegative(),
  queue: z.number().int().nonnegative(),
  engines: z.array(EngineStatus),
  memory: z.object({
    rssMb: z.number(),
    freeRamMb: z.number(),
    vramUsedMb: z.number().optional(),
    vramTotalMb: z.number().optional(),
  }),
});
export type ServerStatus = z.infer<typeof ServerStatus>;

/**
 * A video job's frames: the job's images are stills of one clip in time order, one per entry of
 * `frameTimes` (seconds from the video's start). The VLM feeds them as video input (temporal
 * patches, video grid, time positions), not as separate images.
 */
export const VideoClip = z
  .strictObject({
    frameTimes: z.array(z.number().min(0).max(86_400)).min(1).max(MAX_VIDEO_FRAMES),
    /** Length of the whole video, seconds, when known. */
    duration: z.number().positive().max(86_400).optional(),
    /** The part of the video the frames were sampled from, seconds. */
    range: z.tuple([z.number().min(0), z.number().min(0)]).optional(),
    /** Where the frames came from: drawn from the <video> element, tab captures while it played, or a decoded file. */
    source: z.enum(['element', 'tab-capture', 'file']).optional(),
  })
  .refine((v) => v.frameTimes.every((t, i) => i === 0 || t >= v.frameTimes[i - 1]!), { message: 'video frameTimes must be in time order' });
export type VideoClip = z.infer<typeof VideoClip>;
