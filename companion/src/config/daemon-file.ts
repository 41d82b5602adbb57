import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { homePaths } from './paths';

/** LOUPE_HOME/daemon.json: how CLI commands and the native host find a running daemon. */
export interface DaemonInfo {
  pid: number;
  port: number;
  version: string;
}

export function writeDaemonFile(home: string, info: DaemonInfo): void {
  const path = homePaths(home).daemon;
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(info) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

export function readDaemonFile(home: string): DaemonInfo | undefined {
  try {
    const raw = JSON.parse(readFileSync(homePaths(home).daemon, 'utf8')) as Partial<DaemonInfo>;
    if (typeof raw.pid !== 'number' || typeof raw.port !== 'number') return undefined;
    return { pid: raw.pid, port: raw.port, version: String(raw.version ?? '') };
  } catch {
    return undefined;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The daemon.json of a live process, else undefined (a stale file from a crash is ignored). */
export function findRunningDaemon(home: string): DaemonInfo | undefined {
  const info = readDaemonFile(home);
  return info && isProcessAlive(info.pid) ? info : undefined;
}

/** Removes daemon.json if it is still ours (a newer daemon may have replaced it). */
export function removeDaemonFile(home: string, pid = process.pid): void {
  if (readDaemonFile(home)?.pid === pid) rmSync(homePaths(home).daemon, { force: true });
}
