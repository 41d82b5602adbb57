import { z } from 'zod';

/** Wire protocol version. The server refuses a hello whose `protocol` it does not speak. */
export const PROTOCOL_VERSION = 1;
/** WebSocket subprotocol the server selects; the token travels as `loupe.auth.<token>`. */
export const WS_SUBPROTOCOL = 'loupe.v1';
export const WS_AUTH_PREFIX = 'loupe.auth.';
export const WS_PATH = '/v1/ws';

/** Largest image file accepted (bytes) and largest decoded image (pixels). */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
export const MAX_INPUT_PIXELS = 100_000_000;
export const MAX_IMAGES_PER_JOB = 4;
/** A video job carries at most this many frames (each one image of the frame, in time order). */
export const MAX_VIDEO_FRAMES = 64;
export const MAX_PROMPT_CHARS = 16_000;
/** A submit frame carries at most this many image bytes plus a small JSON header. */
export const MAX_FRAME_BYTES = MAX_IMAGES_PER_JOB * MAX_IMAGE_BYTES + 256 * 1024;
/** All frames of one video job together (they are small JPEG/WebP stills at the per-frame cap). */
export const MAX_VIDEO_BYTES = 64 * 1024 * 1024;
/** Deltas are batched; a client sees text at least this often while a job produces it. */
export const DELTA_FLUSH_MS = 30;

export const Task = z.enum(['ocr', 'describe', 'code', 'ask', 'ground']);
export type Task = z.infer<typeof Task>;

export const Locale = z.enum(['en', 'zh-CN']);
export type Locale = z.infer<typeof Locale>;

/** Which engine family serves a job: the fast OCR engine or the vision-language model. */
export const EngineKind = z.enum(['ocr', 'vlm']);
export type EngineKind = z.infer<typeof EngineKind>;

export const ErrorCode = z.enum([
  'bad_request', // malformed or unknown message / field
  'unsupported_version', // hello with a protocol version the server does not speak
  'unsupported_image', // not PNG/JPEG/WebP, or corrupt
  'image_too_large', // bytes or pixels over the limits
  'busy', // per-connection or global job cap reached
  'not_found', // cancel of an unknown job, unknown route
  'engine_unavailable', // no engine can run this task (e.g. no VLM loaded)
  'engine_crashed', // the engine host died while running the job
  'model_invalid', // model directory fails the contract
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FinishReason = z.enum(['stop', 'length', 'repetition']);
export type FinishReason = z.infer<typeof FinishReason>;
