import { z } from 'zod';

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
  /** Every token the model read before its first answer token: text + image + earlier turns. */
  promptTokens: z.number().optional(),
  /** The first decode step alone (after prefill), ms. */
  firstStepMs: z.number().optional(),
  /** Mean decode step, ms, and the part of it spent outside onnxruntime's session.run. */
  decodeStepMs: z.number().optional(),
  stepOutsideRunMs: z.number().optional(),
  totalMs: z.number(),
  device: z.string().optional(),
  dtype: z.string().optional(),
});
export type JobStats = z.infer<typeof JobStats>;

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
