import { LOUPE_VERSION, ProtocolError, type ServerMessage, type ServerStatus } from '@loupe/shared';
import { freemem } from 'node:os';
import type { EngineOptions } from '../engine/engine';
import type { Logger } from '../log/logger';
import type { JobService, JobSink, SubmitRequest } from '../queue/job-service';

export interface EngineRequest {
  engine: string;
  options: EngineOptions;
}

export interface JobServiceConfig {
  log: Logger;
  engines: EngineRequest[];
  limits?: { perClientJobs?: number; globalQueue?: number };
}

type Factory = (o: JobServiceConfig) => Promise<JobService>;

/** Builds the job service (queue + engine host). */
export async function loadJobService(o: JobServiceConfig): Promise<JobService> {
  const spec = '../queue/create-job-service';
  let factory: Factory | undefined;
  try {
    factory = ((await import(spec)) as { createJobService?: Factory }).createJobService;
  } catch {
    factory = undefined;
  }
  if (factory) return factory(o);
  o.log.warn('job queue not available in this build: every job answers engine_unavailable');
  return createUnavailableJobService();
}

/** A service with no engines: every job ends with engine_unavailable (placeholder until the queue lands). */
export function createUnavailableJobService(): JobService {
  return {
    submit(request: SubmitRequest, sink: JobSink): void {
      const reply: ServerMessage = new ProtocolError('engine_unavailable', `no engine can run "${request.job.task}" jobs`, 'Start the companion with an engine: `loupe start --model <id>`.', request.job.id).toReply();
      queueMicrotask(() => sink.send(reply));
    },
    cancel: () => undefined,
    disconnect: () => undefined,
    status: (): ServerStatus => ({
      version: LOUPE_VERSION,
      clients: 0,
      queue: 0,
      engines: [],
      memory: { rssMb: Math.round(process.memoryUsage().rss / 1048576), freeRamMb: Math.round(freemem() / 1048576) },
    }),
    close: async () => undefined,
  };
}
