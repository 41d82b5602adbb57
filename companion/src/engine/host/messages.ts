import { EngineKind, ModelInfo, Task, type ErrorCode } from '@loupe/shared';
import type { EngineCapabilities, EngineEvent, EngineJob, EngineOptions } from '../engine';

/**
 * IPC between the daemon and an engine host process (advanced serialization: image bytes
 * travel as Uint8Array, never base64). Small on purpose: one engine per host, one job at a time.
 */
export type ToHost =
  | {
      type: 'load';
      engine: string;
      options: EngineOptions;
      /** Absolute paths of extra modules that register engines (the test double); empty in production. */
      modules?: string[];
    }
  | { type: 'run'; job: EngineJob }
  | { type: 'cancel'; jobId: string }
  | { type: 'unload' };

export type EngineResult = Extract<EngineEvent, { type: 'result' }>;

export interface WireError {
  code: ErrorCode;
  message: string;
  hint?: string;
}

export type FromHost =
  /** The engine definition exists: what kind it is, before its (possibly slow) load. */
  | { type: 'accepted'; kind: EngineKind; describe: string }
  | { type: 'loaded'; model: ModelInfo; capabilities: EngineCapabilities }
  /** `retry`: the cause may go away by itself (a remote server still starting): load again later. */
  | { type: 'loadError'; error: WireError; retry?: boolean }
  | { type: 'delta'; jobId: string; text: string }
  | { type: 'result'; jobId: string; result: EngineResult }
  | { type: 'error'; jobId: string; error: WireError }
  /** The job stopped because it was cancelled. */
  | { type: 'cancelled'; jobId: string }
  /** The GPU failed mid-job (device lost, out of memory): the host exits; the next one avoids the GPU under auto. */
  | { type: 'deviceFailed'; device: string; reason: string }
  | { type: 'unloaded' }
  /** A message the host could not understand (never crashes the host). */
  | { type: 'badMessage'; message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isString = (v: unknown): v is string => typeof v === 'string';

/** Structural check of a daemon → host message; returns a reason when malformed. */
export function checkToHost(raw: unknown): string | undefined {
  if (!isObject(raw) || !isString(raw.type)) return 'message is not an object with a type';
  switch (raw.type) {
    case 'load':
      if (!isString(raw.engine) || !isObject(raw.options)) return 'load needs engine and options';
      if (raw.modules !== undefined && !(Array.isArray(raw.modules) && raw.modules.every(isString))) return 'load.modules must be a list of paths';
      return undefined;
    case 'run': {
      const job = raw.job;
      if (!isObject(job) || !isString(job.id) || !isString(job.task)) return 'run needs job.id and job.task';
      if (!Array.isArray(job.images) || !job.images.every((i) => i instanceof Uint8Array)) return 'run.job.images must be byte arrays';
      if (!Array.isArray(job.history)) return 'run.job.history must be a list';
      return undefined;
    }
    case 'cancel':
      return isString(raw.jobId) ? undefined : 'cancel needs jobId';
    case 'unload':
      return undefined;
    default:
      return `unknown message type "${raw.type.slice(0, 32)}"`;
  }
}

/** Structural check of a host → daemon message. */
export function checkFromHost(raw: unknown): string | undefined {
  if (!isObject(raw) || !isString(raw.type)) return 'message is not an object with a type';
  switch (raw.type) {
    case 'loaded':
      return checkLoaded(raw);
    case 'accepted':
    case 'loadError':
    case 'unloaded':
    case 'badMessage':
      return undefined;
    case 'delta':
      return isString(raw.jobId) && isString(raw.text) ? undefined : 'delta needs jobId and text';
    case 'result':
      return isString(raw.jobId) && isObject(raw.result) && isString(raw.result.text) ? undefined : 'result needs jobId and result.text';
    case 'error':
      return isString(raw.jobId) && isObject(raw.error) && isString(raw.error.message) ? undefined : 'error needs jobId and error';
    case 'cancelled':
      return isString(raw.jobId) ? undefined : 'cancelled needs jobId';
    case 'deviceFailed':
      return isString(raw.device) && isString(raw.reason) ? undefined : 'deviceFailed needs device and reason';
    default:
      return `unknown message type "${raw.type.slice(0, 32)}"`;
  }
}

/** `loaded` against the shared schemas: the daemon serves from these fields, so a host sending less is refused here. */
function checkLoaded(raw: Record<string, unknown>): string | undefined {
  if (!ModelInfo.safeParse(raw.model).success) return 'loaded.model is not a model description';
  const c = raw.capabilities;
  const ok = isObject(c) && EngineKind.safeParse(c.kind).success && Task.array().safeParse(c.tasks).success && typeof c.maxPixels === 'number' && typeof c.multiImage === 'boolean';
  return ok ? undefined : 'loaded.capabilities needs kind, tasks, maxPixels and multiImage';
}
