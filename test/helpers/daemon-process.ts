import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { descendants, rssMb } from './proc';

/** The daemon's own pid, from LOUPE_HOME/daemon.json (the process a launcher such as tsx started). */
export function daemonPid(home: string): number {
  const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { pid: number };
  return info.pid;
}

export function daemonRssMb(home: string): number {
  const rss = rssMb(daemonPid(home));
  if (rss === undefined) throw new Error('daemon process is gone');
  return rss;
}

/** Engine host processes: the daemon's descendants (the engine host is a separate process by design). */
export function engineHostPids(home: string): number[] {
  return descendants(daemonPid(home));
}

/** The engine host process running `engine` (e.g. 'ppocr', 'qwen-vl'), found via its LOUPE_ENGINE_HOST environment. */
export function engineHostPid(home: string, engine: string): number | undefined {
  for (const pid of engineHostPids(home)) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (env.includes(`LOUPE_ENGINE_HOST=${engine}`)) return pid;
    } catch {
      /* exited */
    }
  }
  return undefined;
}
