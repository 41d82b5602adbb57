import { LOUPE_VERSION, ProtocolError, type ServerStatus } from '@loupe/shared';
import type { EngineLane } from '../engine/host/lane';
import type { Logger } from '../log/logger';
import { Admission, type QueueLimits } from './admission';
import { Dispatcher } from './dispatch';
import type { JobService, JobSink, SubmitRequest } from './job-service';
import { SystemMemory } from './system-memory';

export type { QueueLimits } from './admission';

const SHUTTING_DOWN = ['the companion is shutting down', 'Start it again with `loupe start`.'] as const;

/**
 * The job queue: admission (limits, intake checks, conversations) in front of dispatch (one lane
 * per engine, fair order, cancel). Engines are EngineLanes: engine host processes in the daemon,
 * a fake in the queue's unit tests.
 */
export class QueueService implements JobService {
  private readonly admission: Admission;
  private readonly dispatch: Dispatcher;
  private readonly memory = new SystemMemory();
  private closed = false;

  constructor(engines: readonly EngineLane[], limits: QueueLimits, log: Logger) {
    this.admission = new Admission(limits, log);
    this.dispatch = new Dispatcher(engines, log);
  }

  submit(request: SubmitRequest, sink: JobSink): void {
    if (this.closed) {
      sink.send(new ProtocolError('engine_unavailable', ...SHUTTING_DOWN, request.job.id).toReply());
      return;
    }
    const record = this.admission.admit(request, sink);
    if (record) this.admission.intake(record, this.dispatch.engines, (r, engine) => this.dispatch.enqueue(r, engine));
  }

  cancel(clientId: string, jobId: string): boolean {
    const record = this.admission.job(clientId, jobId);
    if (record) this.dispatch.cancel(record);
    return record !== undefined;
  }

  disconnect(clientId: string): void {
    for (const record of this.admission.disconnect(clientId)) this.dispatch.cancel(record);
    this.dispatch.forgetClient(clientId);
  }

  status(): ServerStatus {
    return {
      version: LOUPE_VERSION,
      clients: this.admission.clientCount,
      queue: this.admission.waiting(),
      engines: this.dispatch.status(),
      memory: this.memory.read(this.dispatch.engines.map((e) => e.pid).filter((p): p is number => p !== undefined)),
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const record of this.admission.drain()) {
      record.cancelRunning?.();
      record.finish(new ProtocolError('engine_unavailable', ...SHUTTING_DOWN, record.id).toReply());
    }
    await this.dispatch.close();
  }
}
