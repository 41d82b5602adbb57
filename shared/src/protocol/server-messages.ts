import { z } from 'zod';
import { ErrorCode, FinishReason } from './constants';
import { GroundBox, JobStats, ModelInfo, OcrBlock, OcrLine, ServerStatus } from './shapes';

const id = z.string();

export const ServerHello = z.object({
  type: z.literal('hello'),
  protocol: z.number().int(),
  server: z.object({ name: z.literal('loupe'), version: z.string() }),
  status: ServerStatus,
});
export const Queued = z.object({ type: z.literal('queued'), id, position: z.number().int().nonnegative() });
export const Started = z.object({ type: z.literal('started'), id, model: ModelInfo });
/** Text produced since the previous delta (batched, at most ~30 ms apart). */
export const Delta = z.object({ type: z.literal('delta'), id, text: z.string() });
export const Done = z.object({
  type: z.literal('done'),
  id,
  text: z.string(),
  finishReason: FinishReason,
  model: ModelInfo,
  stats: JobStats,
  /** OCR: lines with boxes in the original image's pixels. */
  lines: z.array(OcrLine).optional(),
  /** OCR: the image had nothing to read (`text` is empty). */
  no_text: z.boolean().optional(),
  /** OCR: which lines of `text` are code, tables or prose (code can be shown monospaced). */
  blocks: z.array(OcrBlock).optional(),
  /** Grounding: boxes in the original image's pixels. */
  boxes: z.array(GroundBox).optional(),
});
export const ErrorReply = z.object({
  type: z.literal('error'),
  /** Absent when the error is about the connection or a message that had no usable id. */
  id: id.optional(),
  code: ErrorCode,
  message: z.string(),
  /** What the user can do about it, in one sentence. */
  hint: z.string().optional(),
});
export const Cancelled = z.object({ type: z.literal('cancelled'), id });
export const StatusReply = z.object({ type: z.literal('status'), status: ServerStatus });
export const Pong = z.object({ type: z.literal('pong'), t: z.number().optional() });

export const ServerMessage = z.discriminatedUnion('type', [
  ServerHello,
  Queued,
  Started,
  Delta,
  Done,
  ErrorReply,
  Cancelled,
  StatusReply,
  Pong,
]);

export type ServerMessage = z.infer<typeof ServerMessage>;
/** One server message's type, by its `type` (the union above is the one definition). */
export type ServerMessageOf<T extends ServerMessage['type']> = Extract<ServerMessage, { type: T }>;
export type ServerHello = ServerMessageOf<'hello'>;
export type Started = ServerMessageOf<'started'>;
export type Done = ServerMessageOf<'done'>;
export type ErrorReply = ServerMessageOf<'error'>;
/** Messages that end a job: exactly one per job. */
export type TerminalMessage = ServerMessageOf<'done' | 'error' | 'cancelled'>;
export const isTerminal = (m: ServerMessage): m is TerminalMessage =>
  m.type === 'done' || m.type === 'cancelled' || (m.type === 'error' && m.id !== undefined);
