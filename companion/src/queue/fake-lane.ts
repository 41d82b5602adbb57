import type { EngineKind, ModelInfo, Task } from '@loupe/shared';
import type { EngineCapabilities, EngineJob } from '../engine/engine';
import type { EngineLane, HostJobHandlers, HostState, RunningOnHost } from '../engine/host/lane';
import type { EngineResult, WireError } from '../engine/host/messages';

/** One job a fake lane was given, with what the queue asked of it. */
export interface FakeRun {
  job: EngineJob;
  handlers: HostJobHandlers;
  cancelAsked: boolean;
}

/**
 * An EngineLane for the queue's unit tests: no process, nothing runs by itself. The test starts
 * nothing, it only finishes: `answer`, `fail`, `stopped` end the running job the way a host
 * would (handler first, then a change), and `become` moves the lane's state.
 */
export class FakeLane implements EngineLane {
  state: HostState = 'ready';
  kind: EngineKind;
  model: ModelInfo | undefined;
  capabilities: EngineCapabilities | undefined;
  note: string | undefined;
  hint: string | undefined;
  readonly pid = undefined;
  readonly runs: FakeRun[] = [];
  private current?: FakeRun;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly engine: string,
    kind: EngineKind,
    o: { tasks?: readonly Task[]; multiImage?: boolean; systemPrompt?: boolean; video?: boolean } = {},
  ) {
    this.kind = kind;
    this.model = { id: `${engine}-model`, engine, device: 'cpu', standIn: true };
    const tasks = o.tasks ?? (kind === 'ocr' ? ['ocr'] : ['describe', 'code', 'ask', 'ground']);
    this.capabilities = { kind, tasks, maxPixels: 4_000_000, multiImage: o.multiImage ?? kind === 'vlm', ...(o.systemPrompt ? { systemPrompt: true } : {}), ...((o.video ?? kind === 'vlm') ? { video: true } : {}) };
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  /** The job running now. */
  get running(): FakeRun | undefined {
    return this.current;
  }

  /** Ids of the jobs it was given, in order. */
  get ran(): string[] {
    return this.runs.map((r) => r.job.id);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  run(job: EngineJob, handlers: HostJobHandlers): RunningOnHost {
    if (this.current) throw new Error(`fake lane ${this.engine} is busy`);
    const run: FakeRun = { job, handlers, cancelAsked: false };
    this.current = run;
    this.runs.push(run);
    return { cancel: () => void (run.cancelAsked = true) };
  }

  async close(): Promise<void> {
    this.become('closed');
  }

  /** Waits until the lane runs job `id` (intake is asynchronous). */
  async whenRunning(id: string, timeoutMs = 5_000): Promise<FakeRun> {
    const deadline = Date.now() + timeoutMs;
    while (this.current?.job.id !== id) {
      if (Date.now() > deadline) throw new Error(`${this.engine} never ran ${id} (ran: ${this.ran.join(', ') || 'nothing'})`);
      await new Promise((r) => setTimeout(r, 2));
    }
    return this.current;
  }

  delta(text: string): void {
    this.current!.handlers.delta(text);
  }

  answer(text = `answer to ${this.current!.job.id}`, extra: Partial<EngineResult> = {}): void {
    this.settle((h) => h.result({ type: 'result', text, finishReason: 'stop', stats: { decodeTokens: 3 }, ...extra }));
  }

  fail(error: WireError): void {
    this.settle((h) => h.error(error));
  }

  /** The engine stopped after a cancel. */
  stopped(): void {
    this.settle((h) => h.cancelled());
  }

  become(state: HostState, note?: string, hint?: string): void {
    this.state = state;
    this.note = note;
    this.hint = hint;
    for (const l of this.listeners) l();
  }

  private settle(call: (h: HostJobHandlers) => void): void {
    const run = this.current;
    if (!run) throw new Error(`fake lane ${this.engine} runs nothing`);
    this.current = undefined;
    call(run.handlers);
    for (const l of this.listeners) l();
  }
}
