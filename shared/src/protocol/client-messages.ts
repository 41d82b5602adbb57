import { z } from 'zod';
import { EngineKind, Locale, MAX_IMAGES_PER_JOB, MAX_IMAGE_BYTES, MAX_PROMPT_CHARS, MAX_VIDEO_FRAMES, Task } from './constants';
import { Region, VideoClip } from './shapes';

export const JobId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

/**
 * How the VLM picks each next token. Absent = the task's default (greedy with a repetition
 * guard). The engine's decode loop honours every field; OCR ignores them.
 */
export const Sampling = z.strictObject({
  /** 0 = greedy. */
  temperature: z.number().min(0).max(2).optional(),
  topP: z.number().gt(0).max(1).optional(),
  topK: z.number().int().min(1).max(1000).optional(),
  /** Same seed + same input = same tokens. */
  seed: z.number().int().min(0).max(0xffffffff).optional(),
  /** Generation stops before the first of these strings; it is not part of the answer. */
  stop: z.array(z.string().min(1).max(64)).max(4).optional(),
});

/** Largest JSON Schema a job may carry (its JSON text, in characters). */
export const MAX_SCHEMA_CHARS = 16_000;

/**
 * Structured output: the answer is JSON that parses (json_object: any object) or matches a
 * JSON Schema (json_schema), enforced token by token by the VLM engine's constrained decoding.
 */
export const ResponseFormat = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    name: z.string().min(1).max(64).optional(),
    schema: z
      .record(z.string(), z.unknown())
      .refine((s) => JSON.stringify(s).length <= MAX_SCHEMA_CHARS, { message: `the JSON Schema is over ${MAX_SCHEMA_CHARS} characters; send a smaller schema` }),
  }),
]);

export const ClientHello = z.strictObject({
  type: z.literal('hello'),
  /** Protocol versions the client speaks; the server picks the highest it shares. */
  protocols: z.array(z.number().int().positive()).min(1).max(8),
  client: z.strictObject({ name: z.string().max(64), version: z.string().max(32) }),
});

/**
 * A job. Sent either as JSON text (no images: a follow-up question in a conversation)
 * or as the header of a binary submit frame whose image bytes follow (see binary-frame.ts).
 */
export const SubmitJob = z
  .strictObject({
  type: z.literal('submit'),
  id: JobId,
  task: Task,
  /** Force an engine family; by default `ocr` goes to the fast OCR engine and the rest to the VLM. */
  engine: EngineKind.optional(),
  /** Byte length of each image in the frame, in order. */
  images: z.array(z.number().int().positive().max(MAX_IMAGE_BYTES)).max(MAX_VIDEO_FRAMES).default([]),
  region: Region.optional(),
  prompt: z.string().max(MAX_PROMPT_CHARS).optional(),
  locale: Locale.default('en'),
  /** Follow-ups with the same id continue the conversation about the same image(s). */
  conversationId: JobId.optional(),
  maxTokens: z.number().int().positive().max(8192).optional(),
  sampling: Sampling.optional(),
  /** Answer as JSON (any object, or matching a JSON Schema); see ResponseFormat. */
  format: ResponseFormat.optional(),
  /** The images are the frames of one video, with their times (see VideoClip). */
  video: VideoClip.optional(),
})
  .superRefine((job, ctx) => {
    if (job.video) {
      if (job.video.frameTimes.length !== job.images.length) ctx.addIssue({ code: 'custom', path: ['video', 'frameTimes'], message: `a video job needs one frame time per image (${job.images.length} images, ${job.video.frameTimes.length} times)` });
    } else if (job.images.length > MAX_IMAGES_PER_JOB) {
      ctx.addIssue({ code: 'custom', path: ['images'], message: `at most ${MAX_IMAGES_PER_JOB} images per job (a video job may carry up to ${MAX_VIDEO_FRAMES} frames)` });
    }
  });

export const CancelJob = z.strictObject({ type: z.literal('cancel'), id: JobId });
export const StatusRequest = z.strictObject({ type: z.literal('status') });
/** Application keepalive: keeps a Chrome MV3 service worker alive and proves the link. */
export const Ping = z.strictObject({ type: z.literal('ping'), t: z.number().optional() });

export const ClientMessage = z.discriminatedUnion('type', [ClientHello, SubmitJob, CancelJob, StatusRequest, Ping]);

export type ClientMessage = z.infer<typeof ClientMessage>;
/** One client message's type, by its `type` (the union above is the one definition). */
export type ClientMessageOf<T extends ClientMessage['type']> = Extract<ClientMessage, { type: T }>;
export type ClientHello = ClientMessageOf<'hello'>;
export type SubmitJob = ClientMessageOf<'submit'>;
export type SubmitJobInput = z.input<typeof SubmitJob>;
export type Sampling = z.infer<typeof Sampling>;
export type ResponseFormat = z.infer<typeof ResponseFormat>;
