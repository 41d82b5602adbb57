import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WS_PATH } from '@loupe/shared';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI_MAIN = join(REPO_ROOT, 'companion', 'src', 'cli', 'main.ts');

export interface StartDaemonOptions {
  /** Extra environment (merged over process.env and the helper's defaults). */
  env?: Record<string, string | undefined>;
  /** Extra arguments after `start --port 0` (e.g. ['--model', dir]). */
  args?: string[];
  /** LOUPE_HOME to use (default: a fresh temp dir, removed by stop()). */
  home?: string;
  /** Token (default: a fresh random one via LOUPE_TOKEN). Pass null to let the daemon create its own file token. */
  token?: string | null;
  /** How long to wait for the listening line (default 120 s: engines load first). */
  timeoutMs?: number;
}

export interface RunningDaemon {
  port: number;
  token: string;
  home: string;
  pid: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/v1/ws */
  wsUrl: string;
  process: ChildProcess;
  /** SIGTERM, wait for exit (SIGKILL after 10 s), remove a temp home. Resolves with the exit code. */
  stop(): Promise<number | null>;
  /** stdout + stderr so far (structured log lines and the console text). */
  logs(): string;
}

/** Runs the real CLI (`loupe start --port 0`) in its own process with its own LOUPE_HOME. */
export async function startDaemon(options: StartDaemonOptions = {}): Promise<RunningDaemon> {
  const ownHome = options.home === undefined;
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'loupe-home-'));
  const token = options.token === null ? undefined : (options.token ?? randomBytes(32).toString('hex'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOUPE_HOME: home,
    // Never touch the real user's browser registrations from a test.
    LOUPE_NATIVE_MANIFEST_DIRS: '',
    LOUPE_LOG_LEVEL: process.env.LOUPE_LOG_LEVEL ?? 'debug',
    ...(token ? { LOUPE_TOKEN: token } : {}),
    ...options.env,
  };
  if (token === undefined) delete env.LOUPE_TOKEN;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];

  // node --import tsx (not the tsx CLI): one process, so the pid and signals are the daemon's own.
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, 'start', '--port', '0', ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : null))));
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));

  const daemonFile = join(home, 'daemon.json');
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let port: number | undefined;
  while (port === undefined) {
    if (exitCode !== undefined) {
      if (ownHome) rmSync(home, { recursive: true, force: true });
      throw new Error(`loupe start exited with ${exitCode} before listening:\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      if (ownHome) rmSync(home, { recursive: true, force: true });
      throw new Error(`loupe start did not listen in time:\n${output}`);
    }
    if (/"msg":"listening"/.test(output) && existsSync(daemonFile)) {
      try {
        const info = JSON.parse(readFileSync(daemonFile, 'utf8')) as { pid: number; port: number };
        if (info.pid === child.pid) port = info.port;
      } catch {
        /* being written */
      }
    }
    if (port === undefined) await new Promise((r) => setTimeout(r, 50));
  }
  const finalToken = token ?? readFileSync(join(home, 'token'), 'utf8').trim();

  let stopped: Promise<number | null> | undefined;
  return {
    port,
    token: finalToken,
    home,
    pid: child.pid!,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}${WS_PATH}`,
    process: child,
    logs: () => output,
    stop: () =>
      (stopped ??= (async () => {
        if (exitCode === undefined) {
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          await exited;
          clearTimeout(killer);
        }
        if (ownHome) rmSync(home, { recursive: true, force: true });
        return exitCode ?? null;
      })()),
  };
}

/** fetch() against the daemon with its token. */
export function authFetch(d: RunningDaemon, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${d.token}`);
  return fetch(`${d.url}${path}`, { ...init, headers });
}
