import type { ServerStatus } from '@loupe/shared';
import type { Logger } from '../log/logger';
import type { JobService } from '../queue/job-service';

/** What HTTP routes need from the daemon. */
export interface ApiContext {
  service: JobService;
  log: Logger;
  version: string;
  /** Status with the server's own client count. */
  status(): ServerStatus;
  /** A fresh client id per request: caps and cancel are per client. */
  nextClientId(): string;
  /** A fresh job id (JobId shape). */
  nextJobId(): string;
}
