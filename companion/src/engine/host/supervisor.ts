// Over 300 lines: one child process's life (spawn, IPC, crash restart, cancel-kill) shares these fields.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEntry } from '../../bundle-entry';
import { createInterface } from 'node:readline';
import type { EngineKind, ModelInfo } from '@loupe/shared';
import type { Logger } from '../../log/logger';
import type { EngineCapabilities, EngineJob, EngineOptions } from '../engine';
import { forwardHostLine } from './host-output';
import type { EngineLane, HostJobHandlers, HostState, RunningOnHost } from './lane';
import { parseFromHost, type ToHost, type WireError } from './messages';
import { RestartPolicy, type RestartOptions } from './restart-policy';

export type { HostJobHandlers, HostState, RunningOnHost } from './lane';

export interface EngineHostOptions {
  engine: string;
  options: EngineOptions;
  /** Extra modules that register engines, imported by the host (tests' engine double). */
  modules?: string[];
  log: Logger;
  restart?: RestartOptions;
  cancelGraceMs?: number;
}

export const ENGINE_CRASHED: WireError = {
  code: 'engine_crashed',
  message: 'the engine process stopped unexpectedly; it is being restarted',
  hint: 'Try again in a moment; if it keeps happening, run `loupe doctor`.',
};

/**
 * How long a cancelled engine may take to stop before its host is killed. Generous: a CPU vision
 * encoder can sit in one long native call, and killing the host means reloading the model.
 */
const CANCEL_GRACE_MS = 20_000;

const HOST_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));

interface CurrentJob {
  id: string;
  handlers: HostJobHandlers;
  settled: boolean;
  cancelling: boolean;
  killTimer?: NodeJS.Timeout;
}

/** What the host reports about its engine: written only by the supervisor, read through getters. */
interface HostView {
  state: HostState;
  kind?: EngineKind;
  describe?: string;
  model?: ModelInfo;
  capabilities?: EngineCapabilities;
  note?: string;
  hint?: string;
  pid?: number;
}

/**
 * Supervises one engine host child process: loads the engine, runs one job at a time, and
 * restarts the host (with backoff, a bounded number of times) when it dies.
 */
export class EngineHost implements EngineLane {
  readonly engine: string;
  private readonly view: HostView = { state: 'loading' };
  get state(): HostState { return this.view.state; }
  get kind(): EngineKind | undefined { return this.view.kind; }
  get describe(): string | undefined { return this.view.describe; }
  get model(): ModelInfo | undefined { return this.view.model; }
  get capabilities(): EngineCapabilities | undefined { return this.view.capabilities; }
  /** Why the engine is not ready, in words (load error, crash loop, restarting). */
  get note(): string | undefined { return this.view.note; }
  /** The fix for `note`, when a retryable load error named one (a remote backend's key or URL). */
  get hint(): string | undefined { return this.view.hint; }
  /** The host's pid while it runs (tests kill it to simulate a native crash). */
  get pid(): number | undefined { return this.view.pid; }

  private child?: ChildProcess;
  private current?: CurrentJob;
  private readonly restarts: RestartPolicy;
  private restartTimer?: NodeJS.Timeout;
  private readyWaiters: Array<{ resolve(): void; reject(e: WireError): void }> = [];
  /** The engine's own load error, given to whoever waits for readiness after it came. */
  private loadError?: WireError;
  private acceptedWaiters: Array<() => void> = [];
  private readonly listeners = new Set<() => void>();
  private readonly log: Logger;
  /** The GPU failed mid-job in an earlier host: passed to the next load so auto avoids it. */
  private gpuFailure?: string;

  constructor(private readonly o: EngineHostOptions) {
    this.engine = o.engine;
    this.log = o.log.child({ engine: o.engine });
    this.restarts = new RestartPolicy(o.restart);
  }

  /** Starts the host; resolves once the engine's kind is known (or its load failed). */
  start(): Promise<void> {
    const accepted = new Promise<void>((resolve) => this.acceptedWaiters.push(resolve));
    this.spawn();
    return accepted;
  }

  /** Called on every state change (ready, error, restarting): the queue re-dispatches. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Resolves when the engine is loaded; rejects with the load error. */
  whenReady(): Promise<void> {
    if (this.state === 'ready') return Promise.resolve();
    if (this.state === 'error' || this.state === 'closed') return Promise.reject(this.loadError ?? this.unavailable());
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  unavailable(): WireError {
    return { code: 'engine_unavailable', message: `the ${this.engine} engine is not available: ${this.note ?? this.state}` };
  }

  run(job: EngineJob, handlers: HostJobHandlers): RunningOnHost {
    if (this.current) throw new Error(`engine host ${this.engine} is busy`);
    const current: CurrentJob = { id: job.id, handlers, settled: false, cancelling: false };
    if (this.state !== 'ready' || !this.child) {
      queueMicrotask(() => handlers.error(this.unavailable()));
      return { cancel: () => undefined };
    }
    this.current = current;
    this.send({ type: 'run', job });
    return {
      cancel: () => {
        if (current.settled || current.cancelling) return;
        current.cancelling = true;
        this.send({ type: 'cancel', jobId: job.id });
        current.killTimer = setTimeout(() => {
          if (current.settled || this.current !== current) return;
          this.log.warn({ jobId: job.id }, 'engine did not stop after cancel; killing the engine host');
          this.child?.kill('SIGKILL');
        }, this.o.cancelGraceMs ?? CANCEL_GRACE_MS);
      },
    };
  }

  async close(): Promise<void> {
    this.view.state = 'closed';
    clearTimeout(this.restartTimer);
    this.failReadyWaiters();
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.send({ type: 'unload' });
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.disconnect?.();
    await exited;
    clearTimeout(timer);
  }

  private spawn(): void {
    this.view.state = 'loading';
    this.loadError = undefined;
    // tsx's ESM loader is resolved from the companion package, so a fork works from any cwd.
    const { entry, execArgv } = childEntry(HOST_ENTRY, 'engine-host.mjs', import.meta.url);
    const child = fork(entry, [], {
      execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, LOUPE_ENGINE_HOST: this.engine },
    });
    this.child = child;
    this.view.pid = child.pid;
    for (const [stream, level] of [[child.stdout, 'debug'], [child.stderr, 'warn']] as const) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => forwardHostLine(this.log, line, level));
    }
    child.on('message', (raw: unknown) => this.onMessage(child, raw));
    child.on('error', (error) => this.log.warn({ err: error.message }, 'engine host process error'));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    this.send(this.loadMessage(this.gpuFailure ? { ...this.o.options, gpuFailure: this.gpuFailure } : this.o.options));
    this.changed();
  }

  private loadMessage(options: EngineOptions): ToHost {
    return { type: 'load', engine: this.o.engine, options, ...(this.o.modules ? { modules: this.o.modules } : {}) };
  }

  private send(message: ToHost): void {
    const child = this.child;
    if (!child?.connected) return;
    try {
      child.send(message);
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'could not message the engine host');
    }
  }

  private onMessage(child: ChildProcess, raw: unknown): void {
    if (child !== this.child) return;
    const parsed = parseFromHost(raw);
    if (!parsed.ok) {
      this.log.warn({ problem: parsed.problem }, 'malformed message from the engine host');
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'accepted':
        this.view.kind = message.kind;
        this.view.describe = message.describe;
        this.flushAccepted();
        return;
      case 'loaded':
        this.view.state = 'ready';
        this.view.model = message.model;
        this.view.capabilities = message.capabilities;
        this.view.kind = message.capabilities.kind;
        this.view.note = undefined;
        this.view.hint = undefined;
        this.restarts.loaded();
        this.log.info({ model: message.model.id, device: message.model.device }, 'engine loaded');
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        this.changed();
        return;
      case 'loadError':
        this.view.state = 'error';
        this.view.note = message.error.message;
        // A remote's own fix (the key, the URL) beats the generic "pull a model".
        this.view.hint = message.retry ? message.error.hint : undefined;
        this.loadError = message.error;
        this.log.warn({ code: message.error.code, reason: message.error.message, retry: message.retry === true }, 'engine failed to load');
        this.flushAccepted();
        this.failReadyWaiters(message.error);
        if (message.retry) this.scheduleReload(child);
        this.changed();
        // The host holds nothing useful now; closing its channel makes it exit.
        if (!message.retry) child.disconnect();
        return;
      case 'badMessage':
        this.log.warn({ problem: message.message }, 'engine host refused a message');
        return;
      case 'unloaded':
        return;
      case 'deviceFailed':
        this.gpuFailure = message.reason;
        this.log.warn({ device: message.device, reason: message.reason }, 'the GPU failed mid-job; restarting the engine');
        return;
      case 'delta':
        if (this.current?.id === message.jobId && !this.current.settled) this.current.handlers.delta(message.text);
        return;
      case 'result':
        this.settle(message.jobId, (h) => h.result(message.result));
        return;
      case 'error':
        this.settle(message.jobId, (h) => h.error(message.error));
        return;
      case 'cancelled':
        this.settle(message.jobId, (h) => h.cancelled());
        return;
      default:
        // A new host message does not compile until it is handled here.
        return message satisfies never;
    }
  }

  private settle(jobId: string, call: (h: HostJobHandlers) => void): void {
    const current = this.current;
    if (!current || current.id !== jobId || current.settled) return;
    current.settled = true;
    clearTimeout(current.killTimer);
    this.current = undefined;
    call(current.handlers);
    this.changed();
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.view.pid = undefined;
    this.view.model = undefined;
    // Not ready any more before anyone hears about the job: a listener must not dispatch onto a dead host.
    if (this.state === 'ready') this.view.state = 'loading';
    const killedOnCancel = this.current?.cancelling === true;
    if (this.current) {
      const jobId = this.current.id;
      if (killedOnCancel) this.settle(jobId, (h) => h.cancelled());
      else this.settle(jobId, (h) => h.error(ENGINE_CRASHED));
    }
    // Closed on purpose, or let go after a load error: nothing to restart.
    if (this.state === 'closed' || this.state === 'error') return;
    this.log.warn({ code, signal }, 'engine host exited');
    const next = this.restarts.afterCrash(!killedOnCancel);
    if ('gaveUp' in next) {
      this.view.state = 'error';
      this.view.note = next.gaveUp;
      this.flushAccepted();
      this.failReadyWaiters();
      this.changed();
      return;
    }
    const delay = next.delayMs;
    this.view.state = 'loading';
    this.view.note = 'restarting after the engine process stopped';
    this.changed();
    this.restartTimer = setTimeout(() => {
      if (this.state !== 'closed') this.spawn();
    }, delay);
  }

  /**
   * A retryable load error (a remote server not up yet): jobs fail at once with its cause while
   * the same host loads again after a back-off (1 s, 2 s, … 30 s), so Loupe recovers without a restart.
   */
  private scheduleReload(child: ChildProcess): void {
    const delay = this.restarts.afterLoadError();
    this.view.note = `${this.note ?? 'the engine failed to load'} (retrying in ${Math.ceil(delay / 1000)} s)`;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (child !== this.child || this.state !== 'error') return;
      this.view.state = 'loading';
      this.loadError = undefined;
      this.send(this.loadMessage(this.o.options));
      this.changed();
    }, delay);
  }

  private flushAccepted(): void {
    for (const resolve of this.acceptedWaiters.splice(0)) resolve();
  }

  private failReadyWaiters(error: WireError = this.unavailable()): void {
    for (const w of this.readyWaiters.splice(0)) w.reject(error);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
