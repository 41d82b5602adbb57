import { afterAll, beforeAll } from 'vitest';
import { startDaemon, type RunningDaemon, type StartDaemonOptions } from './daemon';

/**
 * One daemon for a whole test file: started in beforeAll, stopped in afterAll. The object it
 * returns is filled in when the daemon is up, so tests read it as they would startDaemon's.
 */
export function daemonForFile(options: StartDaemonOptions = {}): RunningDaemon {
  const d = {} as RunningDaemon;
  beforeAll(async () => {
    Object.assign(d, await startDaemon(options));
  });
  afterAll(async () => {
    await d.stop?.();
  });
  return d;
}
