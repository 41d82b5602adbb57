import { ProtocolError, type EngineStatus } from '@loupe/shared';
import type { EngineLane } from '../engine/host/lane';
import type { Logger } from '../log/logger';
import { doneMessage, engineJobFor, rememberTurn } from './engine-job';
import { FairOrder } from './fair-order';
import type { JobRecord } from './job-record';
import { FIX_HINT, kindOf } from './routing';

interface Lane {
  engine: EngineLane;
  queue: FairOrder<JobRecord>;
  /** The job the engine is running for a client (cleared when it ends, even if the engine is still stopping). */
  running?: JobRecord;
}

/**
 * Dispatch: one lane per configured engine (one job at a time), so an OCR job never waits
 * behind a long VLM generation. Within a lane: FIFO with round-robin fairness across clients.
 * It starts jobs when their engine is free, tells waiting jobs their positions, and cancels.
 */
export class Dispatcher {
  private readonly lanes = new Map<string, Lane>();
  private closed = false;

  constructor(
    engines: readonly EngineLane[],
    private readonly log: Logger,
  ) {
    for (const engine of engines) {
      const lane: Lane = { engine, queue: new FairOrder() };
      this.lanes.set(engine.engine, lane);
      engine.onChange(() => this.pump(lane));
    }
  }

  get engines(): EngineLane[] {
    return [...this.lanes.values()].map((l) => l.engine);
  }

  /** Gives an admitted job its place in its engine's lane; every job hears `queued` once, even one that starts at once. */
  enqueue(record: JobRecord, engine: EngineLane): void {
    const lane = this.lanes.get(engine.engine)!;
    record.lane = engine.engine;
    record.state = 'queued';
    lane.queue.push(record);
    record.lastPosition = lane.queue.toArray().indexOf(record);
    record.send({ type: 'queued', id: record.id, position: record.lastPosition });
    this.log.debug({ jobId: record.id, task: record.job.task, engine: engine.engine, images: record.images.length }, 'job queued');
    this.pump(lane);
  }

  /** A queued job leaves its lane; a running one is asked to stop (the lane stays busy until the engine has). Either way the client hears `cancelled` now. */
  cancel(record: JobRecord): void {
    if (record.finished) return;
    const lane = record.state === 'queued' && record.lane ? this.lanes.get(record.lane) : undefined;
    if (lane) {
      lane.queue.remove(record);
      record.finish({ type: 'cancelled', id: record.id });
      this.pump(lane);
      return;
    }
    record.cancelRunning?.();
    record.finish({ type: 'cancelled', id: record.id });
  }

  forgetClient(clientId: string): void {
    for (const lane of this.lanes.values()) lane.queue.forgetClient(clientId);
  }

  status(): EngineStatus[] {
    return [...this.lanes.values()].map(({ engine, queue }) => ({
      name: engine.engine,
      kind: engine.kind ?? 'vlm',
      state: engine.state === 'closed' ? 'error' : engine.state,
      tasks: [...(engine.capabilities?.tasks ?? [])],
      ...(engine.model ? { model: engine.model } : {}),
      ...(engine.note ? { note: engine.note } : {}),
      queue: queue.length,
    }));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.lanes.values()].map((l) => l.engine.close()));
  }

  /** Starts the lane's next job if its engine is free, then tells waiting jobs their positions. */
  private pump(lane: Lane): void {
    const { engine } = lane;
    if (engine.state === 'error' || engine.state === 'closed') {
      for (let r = lane.queue.shift(); r; r = lane.queue.shift()) {
        r.finish(new ProtocolError('engine_unavailable', `the ${engine.engine} engine is not available: ${engine.note ?? 'it failed to load'}`, engine.hint ?? FIX_HINT[kindOf(r.job)], r.id).toReply());
      }
      return;
    }
    while (!lane.running && !engine.busy && engine.state === 'ready' && !this.closed) {
      const record = lane.queue.shift();
      if (!record) break;
      this.start(lane, record);
    }
    lane.queue.toArray().forEach((record, position) => {
      if (position < record.lastPosition) {
        record.lastPosition = position;
        record.send({ type: 'queued', id: record.id, position });
      }
    });
  }

  private start(lane: Lane, record: JobRecord): void {
    const { engine } = lane;
    const { job } = record;
    const caps = engine.capabilities;
    if (caps && !caps.tasks.includes(job.task)) {
      record.finish(new ProtocolError('engine_unavailable', `the ${engine.engine} engine cannot do "${job.task}"`, FIX_HINT[kindOf(job)], job.id).toReply());
      return;
    }
    const engineJob = engineJobFor(record, caps);
    record.state = 'running';
    record.startedAt = performance.now();
    lane.running = record;
    const model = engine.model!;
    record.send({ type: 'started', id: job.id, model });
    const release = (): void => {
      if (lane.running === record) lane.running = undefined;
    };
    const handle = engine.run(engineJob, {
      delta: (text) => record.delta(text),
      result: (result) => {
        release();
        if (record.finish(doneMessage(record, result, model))) rememberTurn(record, result.text);
      },
      error: (error) => {
        release();
        record.finish({ type: 'error', id: job.id, code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) });
      },
      cancelled: () => {
        release();
        record.finish({ type: 'cancelled', id: job.id });
      },
    });
    record.cancelRunning = handle.cancel;
  }
}
