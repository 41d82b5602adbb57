import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchDaemon, type LaunchedDaemon, type LaunchOptions } from '@loupe/companion/client/daemon-process';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI_MAIN = join(REPO_ROOT, 'companion', 'src', 'cli', 'main.ts');

export type StartDaemonOptions = Omit<LaunchOptions, 'cwd' | 'readyLine' | 'logLevel'>;
export type RunningDaemon = LaunchedDaemon;

/**
 * The tests' daemon: the one launcher the bench uses too (companion/src/client/daemon-process.ts),
 * from the repo root, debug logs (tests read them), ready once it has logged "listening".
 */
export function startDaemon(options: StartDaemonOptions = {}): Promise<RunningDaemon> {
  return launchDaemon({ ...options, cwd: REPO_ROOT, logLevel: process.env.LOUPE_LOG_LEVEL ?? 'debug', readyLine: /"msg":"listening"/ });
}

/** fetch() against the daemon with its token. */
export function authFetch(d: RunningDaemon, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${d.token}`);
  return fetch(`${d.url}${path}`, { ...init, headers });
}
