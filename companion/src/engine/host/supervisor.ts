import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childEntry } from '../../bundle-entry';
import { createInterface } from 'node:readline';
import type { EngineKind, ModelInfo } from '@loupe/shared';
import type { Logger } from '../../log/logger';
import type { EngineCapabilities, EngineJob, EngineOptions } from '../engine';
import { parseFromHost, type EngineResult, type ToHost, type WireError } from './messages';

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

export interface EngineHostOptions {
  engine: string;
  options: EngineOptions;
  /** Extra modules that register engines, imported by the host (tests' engine double). */
  modules?: string[];
  log: Logger;
  restart?: { maxCrashes?: number; windowMs?: number; baseDelayMs?: number; reloadBaseMs?: number; maxReloadDelayMs?: number };
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

const PINO_LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

const HOST_ENTRY = fileURLToPath(new URL('./main.ts', import.meta.url));

interface CurrentJob {
  id: string;
  handlers: HostJobHandlers;
  settled: boolean;
  cancelling: boolean;
  killTimer?: NodeJS.Timeout;
}

/**
 * Supervises one engine host child process: loads the engine, runs one job at a time, and
 * restarts the host (with backoff, a bounded number of times) when it dies.
 */
export class EngineHost {
  readonly engine: string;
  state: HostState = 'loading';
  kind?: EngineKind;
  describe?: string;
  model?: ModelInfo;
  capabilities?: EngineCapabilities;
  /** Why the engine is not ready, in words (load error, crash loop, restarting). */
  note?: string;
  /** The fix for `note`, when a retryable load error named one (a remote backend's key or URL). */
  hint?: string;
  /** The host's pid while it runs (tests kill it to simulate a native crash). */
  pid?: number;

  private child?: ChildProcess;
  private current?: CurrentJob;
  private crashes: number[] = [];
  private restartTimer?: NodeJS.Timeout;
  /** Load attempts in a row that failed with a retryable error (back-off exponent). */
  private loadRetries = 0;
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
    this.state = 'closed';
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
    this.state = 'loading';
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
    this.pid = child.pid;
    for (const [stream, level] of [[child.stdout, 'debug'], [child.stderr, 'warn']] as const) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => this.forwardLine(line, level));
    }
    child.on('message', (raw: unknown) => this.onMessage(child, raw));
    child.on('error', (error) => this.log.warn({ err: error.message }, 'engine host process error'));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    const options = this.gpuFailure ? { ...this.o.options, gpuFailure: this.gpuFailure } : this.o.options;
    const load: ToHost = { type: 'load', engine: this.o.engine, options, ...(this.o.modules ? { modules: this.o.modules } : {}) };
    this.send(load);
    this.changed();
  }

  /** The host's own pino lines keep their level and fields; anything else (native libraries) is one string. */
  private forwardLine(line: string, fallback: 'debug' | 'warn'): void {
    if (line.startsWith('{')) {
      try {
        const { level, msg, time: _t, pid: _p, hostname: _h, ...fields } = JSON.parse(line) as Record<string, unknown>;
        const name = typeof level === 'number' ? PINO_LEVELS[Math.floor(level / 10) * 10] : undefined;
        if (name) {
          this.log[name]({ ...fields, from: 'engine-host' }, typeof msg === 'string' ? msg : 'engine host log');
          return;
        }
      } catch {
        // not JSON after all
      }
    }
    this.log[fallback]({ line: line.slice(0, 500) }, 'engine host output');
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
        this.kind = message.kind;
        this.describe = message.describe;
        this.flushAccepted();
        return;
      case 'loaded':
        this.state = 'ready';
        this.model = message.model;
        this.capabilities = message.capabilities;
        this.kind = message.capabilities.kind;
        this.note = undefined;
        this.hint = undefined;
        this.loadRetries = 0;
        this.log.info({ model: message.model.id, device: message.model.device }, 'engine loaded');
        for (const w of this.readyWaiters.splice(0)) w.resolve();
        this.changed();
        return;
      case 'loadError':
        this.state = 'error';
        this.note = message.error.message;
        // A remote's own fix (the key, the URL) beats the generic "pull a model".
        this.hint = message.retry ? message.error.hint : undefined;
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
    this.pid = undefined;
    this.model = undefined;
    // Not ready any more before anyone hears about the job: a listener must not dispatch onto a dead host.
    if (this.state === 'ready') this.state = 'loading';
    const killedOnCancel = this.current?.cancelling === true;
    if (this.current) {
      const jobId = this.current.id;
      if (killedOnCancel) this.settle(jobId, (h) => h.cancelled());
      else this.settle(jobId, (h) => h.error(ENGINE_CRASHED));
    }
    // Closed on purpose, or let go after a load error: nothing to restart.
    if (this.state === 'closed' || this.state === 'error') return;
    this.log.warn({ code, signal }, 'engine host exited');
    if (!killedOnCancel) this.crashes.push(Date.now());
    const windowMs = this.o.restart?.windowMs ?? 60_000;
    this.crashes = this.crashes.filter((t) => Date.now() - t < windowMs);
    const maxCrashes = this.o.restart?.maxCrashes ?? 5;
    if (this.crashes.length > maxCrashes) {
      this.state = 'error';
      this.note = `the engine process crashed ${this.crashes.length} times within ${Math.round(windowMs / 1000)} s; restart Loupe or run \`loupe doctor\``;
      this.flushAccepted();
      this.failReadyWaiters();
      this.changed();
      return;
    }
    const delay = (this.o.restart?.baseDelayMs ?? 250) * 2 ** Math.max(0, this.crashes.length - 1);
    this.state = 'loading';
    this.note = 'restarting after the engine process stopped';
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
    const delay = Math.min((this.o.restart?.reloadBaseMs ?? 1000) * 2 ** this.loadRetries, this.o.restart?.maxReloadDelayMs ?? 30_000);
    this.loadRetries++;
    this.note = `${this.note ?? 'the engine failed to load'} (retrying in ${Math.ceil(delay / 1000)} s)`;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      if (child !== this.child || this.state !== 'error') return;
      this.state = 'loading';
      this.loadError = undefined;
      this.send({ type: 'load', engine: this.o.engine, options: this.o.options, ...(this.o.modules ? { modules: this.o.modules } : {}) });
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
