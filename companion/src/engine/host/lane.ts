import type { EngineKind, ModelInfo } from '@loupe/shared';
import type { EngineCapabilities, EngineJob } from '../engine';
import type { EngineResult, WireError } from './messages';

export type HostState = 'loading' | 'ready' | 'error' | 'closed';

export interface HostJobHandlers {
  delta(text: string): void;
  /** Exactly one of result / error / cancelled is called per run. */
  result(result: EngineResult): void;
  error(error: WireError): void;
  cancelled(): void;
}

export interface RunningOnHost {
  /** Asks the engine to stop; if it does not within cancelGraceMs the host is killed and restarted. */
  cancel(): void;
}

/**
 * What the queue sees of one engine: its state (read only), one job at a time, and a signal on
 * every change. EngineHost (a supervised child process) implements it; the queue's unit tests
 * use a fake lane.
 */
export interface EngineLane {
  readonly engine: string;
  readonly state: HostState;
  /** Known once the host has accepted its engine definition. */
  readonly kind: EngineKind | undefined;
  readonly model: ModelInfo | undefined;
  readonly capabilities: EngineCapabilities | undefined;
  /** Why the engine is not ready, in words. */
  readonly note: string | undefined;
  /** The fix for `note`, when the engine named one. */
  readonly hint: string | undefined;
  /** The process that runs the engine (memory in status), when there is one. */
  readonly pid: number | undefined;
  /** A job is running (or still stopping after a cancel). */
  readonly busy: boolean;
  /** Called on every state change (ready, error, restarting, a job ended): the queue re-dispatches. */
  onChange(listener: () => void): () => void;
  run(job: EngineJob, handlers: HostJobHandlers): RunningOnHost;
  close(): Promise<void>;
}
