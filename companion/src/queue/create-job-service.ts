import type { EngineOptions } from '../engine/engine';
import { EngineHost } from '../engine/host/supervisor';
import type { Logger } from '../log/logger';
import type { JobService } from './job-service';
import { QueueService } from './queue-service';

export interface JobServiceOptions {
  log: Logger;
  engines: Array<{
    engine: string;
    options: EngineOptions;
    /** Extra engine-registering modules for the host to import (tests' engine double only). */
    modules?: string[];
  }>;
  /** imageBytes: image bytes all jobs in flight may hold together (default 512 MiB). */
  limits?: { perClientJobs?: number; globalQueue?: number; imageBytes?: number };
  /** Tuning for tests: crash-restart backoff and how long a cancelled engine may take to stop. */
  host?: { restart?: { maxCrashes?: number; windowMs?: number; baseDelayMs?: number }; cancelGraceMs?: number };
}

/** How long to wait for a host to say which kind of engine it runs before serving anyway. */
const START_WAIT_MS = 60_000;

/**
 * Starts one engine host process per configured engine and the queue in front of them.
 * Resolves once every host has reported its engine kind (models may still be loading: jobs wait).
 */
export async function createJobService(o: JobServiceOptions): Promise<JobService> {
  const hosts = o.engines.map(
    (e) =>
      new EngineHost({
        engine: e.engine,
        options: e.options,
        log: o.log,
        ...(e.modules ? { modules: e.modules } : {}),
        ...(o.host?.restart ? { restart: o.host.restart } : {}),
        ...(o.host?.cancelGraceMs ? { cancelGraceMs: o.host.cancelGraceMs } : {}),
      }),
  );
  const service = new QueueService(hosts, { perClientJobs: o.limits?.perClientJobs ?? 8, globalQueue: o.limits?.globalQueue ?? 64, imageBytes: o.limits?.imageBytes ?? 512 * 1024 * 1024 }, o.log);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, START_WAIT_MS)));
  await Promise.race([Promise.all(hosts.map((h) => h.start())), timeout]);
  clearTimeout(timer);
  for (const h of hosts) if (!h.kind) o.log.warn({ engine: h.engine }, 'engine host has not reported its engine yet');
  return service;
}
