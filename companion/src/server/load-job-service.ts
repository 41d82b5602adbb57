import { createJobService, type JobServiceOptions } from '../queue/create-job-service';
import type { JobService } from '../queue/job-service';

export type JobServiceConfig = JobServiceOptions;
export type EngineRequest = JobServiceOptions['engines'][number];

/** Builds the job service (queue + one engine host process per engine). */
export function loadJobService(o: JobServiceConfig): Promise<JobService> {
  return createJobService(o);
}
