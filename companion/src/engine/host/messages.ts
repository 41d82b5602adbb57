import { z } from 'zod';
import { EngineKind, ErrorCode, FinishReason, GroundBox, JobStats, Locale, ModelInfo, OcrBlock, OcrLine, Region, ResponseFormat, Sampling, Task, VideoClip } from '@loupe/shared';
import { DEVICE_REQUESTS } from '../device/request';
import { IMAGE_DETAILS } from '../vlm/pixel-budget';
import type { ConversationTurn, EngineCapabilities, EngineEvent, EngineJob, EngineOptions } from '../engine';

/**
 * IPC between the daemon and an engine host process (advanced serialization: image bytes
 * travel as Uint8Array, never base64). Small on purpose: one engine per host, one job at a time.
 * Both ends parse what they receive with these schemas (parseToHost / parseFromHost).
 */

/** True when A and B are the same type with the same keys (a field added to one only fails to compile). */
type Mirror<A, B> = [A] extends [B] ? ([B] extends [A] ? ([keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false) : false) : false;

const Bytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'must be bytes (Uint8Array)');

const Turn = z.object({ role: z.enum(['user', 'assistant']), text: z.string(), images: z.number().int().nonnegative().optional() });
const turnMirrors: Mirror<z.infer<typeof Turn>, ConversationTurn> = true;

const Job = z.object({
  id: z.string().min(1),
  task: Task,
  images: z.array(Bytes),
  region: Region.optional(),
  prompt: z.string().optional(),
  locale: Locale,
  newImages: z.number().int().positive().optional(),
  history: z.array(Turn),
  maxTokens: z.number().int().positive().optional(),
  sampling: Sampling.optional(),
  system: z.string().optional(),
  model: z.string().optional(),
  format: ResponseFormat.optional(),
  video: VideoClip.optional(),
});
const jobMirrors: Mirror<z.infer<typeof Job>, EngineJob> = true;

const Backend = z.object({ kind: z.literal('openai'), baseUrl: z.string(), apiKey: z.string().optional(), apiKeyFile: z.string().optional(), model: z.string().optional() });
const Options = z.object({
  home: z.string(),
  device: z.enum(DEVICE_REQUESTS),
  gpuFailure: z.string().optional(),
  model: z.string().optional(),
  dtype: z.string().optional(),
  backend: Backend.optional(),
  threads: z.number().int().positive().optional(),
  imageDetail: z.enum(IMAGE_DETAILS).optional(),
});
const optionsMirror: Mirror<z.infer<typeof Options>, EngineOptions> = true;

const Capabilities = z.object({ kind: EngineKind, tasks: z.array(Task).readonly(), maxPixels: z.number().positive(), multiImage: z.boolean(), systemPrompt: z.boolean().optional(), video: z.boolean().optional() });
const capabilitiesMirror: Mirror<z.infer<typeof Capabilities>, EngineCapabilities> = true;

export type EngineResult = Extract<EngineEvent, { type: 'result' }>;
const Result = z.object({
  type: z.literal('result'),
  text: z.string(),
  finishReason: FinishReason,
  stats: JobStats.omit({ queueMs: true, totalMs: true }),
  lines: z.array(OcrLine).optional(),
  boxes: z.array(GroundBox).optional(),
  no_text: z.boolean().optional(),
  blocks: z.array(OcrBlock).optional(),
});
const resultMirrors: Mirror<z.infer<typeof Result>, EngineResult> = true;

const WireErrorSchema = z.object({ code: ErrorCode, message: z.string(), hint: z.string().optional() });
export type WireError = z.infer<typeof WireErrorSchema>;

const JobId = z.string().min(1);

export const ToHost = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('load'),
    engine: z.string().min(1),
    options: Options,
    /** Absolute paths of extra modules that register engines (the test double); empty in production. */
    modules: z.array(z.string()).optional(),
  }),
  z.object({ type: z.literal('run'), job: Job }),
  z.object({ type: z.literal('cancel'), jobId: JobId }),
  z.object({ type: z.literal('unload') }),
]);
export type ToHost = z.infer<typeof ToHost>;

export const FromHost = z.discriminatedUnion('type', [
  /** The engine definition exists: what kind it is, before its (possibly slow) load. */
  z.object({ type: z.literal('accepted'), kind: EngineKind, describe: z.string() }),
  z.object({ type: z.literal('loaded'), model: ModelInfo, capabilities: Capabilities }),
  /** `retry`: the cause may go away by itself (a remote server still starting): load again later. */
  z.object({ type: z.literal('loadError'), error: WireErrorSchema, retry: z.boolean().optional() }),
  z.object({ type: z.literal('delta'), jobId: JobId, text: z.string() }),
  z.object({ type: z.literal('result'), jobId: JobId, result: Result }),
  z.object({ type: z.literal('error'), jobId: JobId, error: WireErrorSchema }),
  /** The job stopped because it was cancelled. */
  z.object({ type: z.literal('cancelled'), jobId: JobId }),
  /** The GPU failed mid-job (device lost, out of memory): the host exits; the next one avoids the GPU under auto. */
  z.object({ type: z.literal('deviceFailed'), device: z.string(), reason: z.string() }),
  z.object({ type: z.literal('unloaded') }),
  /** A message the host could not understand (never crashes the host). */
  z.object({ type: z.literal('badMessage'), message: z.string() }),
]);
export type FromHost = z.infer<typeof FromHost>;

export type Parsed<T> = { ok: true; message: T } | { ok: false; problem: string };

const TO_HOST_TYPES: readonly string[] = ToHost.options.map((o) => o.shape.type.value);
const FROM_HOST_TYPES: readonly string[] = FromHost.options.map((o) => o.shape.type.value);

/** A daemon → host message, or why it is malformed (in words naming the field). */
export const parseToHost = (raw: unknown): Parsed<ToHost> => parseWith(ToHost, TO_HOST_TYPES, raw);

/** A host → daemon message, or why it is malformed: the daemon serves from these fields, so a host sending less is refused here. */
export const parseFromHost = (raw: unknown): Parsed<FromHost> => parseWith(FromHost, FROM_HOST_TYPES, raw);

function parseWith<T>(schema: z.ZodType<T>, types: readonly string[], raw: unknown): Parsed<T> {
  const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
  if (typeof type !== 'string') return { ok: false, problem: 'message is not an object with a type' };
  if (!types.includes(type)) return { ok: false, problem: `unknown message type "${type.slice(0, 32)}"` };
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0];
  return { ok: false, problem: `${[type, ...(issue?.path ?? [])].join('.')}: ${issue?.message ?? 'does not match the schema'}` };
}

// Compile-time only: each engine interface and its wire schema name the same fields.
void [turnMirrors, jobMirrors, optionsMirror, capabilitiesMirror, resultMirrors];
