import { z } from 'zod';
import { EngineKind, Locale, MAX_IMAGES_PER_JOB, MAX_IMAGE_BYTES, MAX_PROMPT_CHARS, Task } from './constants';
import { Region } from './shapes';

export const JobId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/);

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
export const SubmitJob = z.strictObject({
  type: z.literal('submit'),
  id: JobId,
  task: Task,
  /** Force an engine family; by default `ocr` goes to the fast OCR engine and the rest to the VLM. */
  engine: EngineKind.optional(),
  /** Byte length of each image in the frame, in order. */
  images: z.array(z.number().int().positive().max(MAX_IMAGE_BYTES)).max(MAX_IMAGES_PER_JOB).default([]),
  region: Region.optional(),
  prompt: z.string().max(MAX_PROMPT_CHARS).optional(),
  locale: Locale.default('en'),
  /** Follow-ups with the same id continue the conversation about the same image(s). */
  conversationId: JobId.optional(),
  maxTokens: z.number().int().positive().max(8192).optional(),
});

export const CancelJob = z.strictObject({ type: z.literal('cancel'), id: JobId });
export const StatusRequest = z.strictObject({ type: z.literal('status') });
/** Application keepalive: keeps a Chrome MV3 service worker alive and proves the link. */
export const Ping = z.strictObject({ type: z.literal('ping'), t: z.number().optional() });

export const ClientMessage = z.discriminatedUnion('type', [ClientHello, SubmitJob, CancelJob, StatusRequest, Ping]);

export type ClientHello = z.infer<typeof ClientHello>;
export type SubmitJob = z.infer<typeof SubmitJob>;
export type SubmitJobInput = z.input<typeof SubmitJob>;
export type CancelJob = z.infer<typeof CancelJob>;
export type ClientMessage = z.infer<typeof ClientMessage>;
