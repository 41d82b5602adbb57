import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WS_PATH, type ServerStatus } from '@loupe/shared';
import { childEntry } from '../bundle-entry';
import { descendants, rssMb } from './proc-tree';

const CLI_MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

export interface LaunchOptions {
  /** Extra arguments after `start --port 0` (e.g. ['--model', dir]). */
  args?: string[];
  /** Extra environment, merged over process.env and the defaults; undefined removes a variable. */
  env?: Record<string, string | undefined>;
  /** LOUPE_HOME to use (default: a fresh temp dir, removed by stop()). */
  home?: string;
  /** Token (default: a fresh random one via LOUPE_TOKEN). null: the daemon creates its own token file. */
  token?: string | null;
  /** LOUPE_LOG_LEVEL unless `env` sets it (default: the caller's, else info). */
  logLevel?: string;
  /** How long to wait for it to listen (engines load first). */
  timeoutMs?: number;
  /** Also wait for this in its output (tests wait for the "listening" log line). */
  readyLine?: RegExp;
  cwd?: string;
}

export interface LaunchedDaemon {
  port: number;
  token: string;
  home: string;
  pid: number;
  /** http://127.0.0.1:PORT */
  url: string;
  /** ws://127.0.0.1:PORT/v1/ws */
  wsUrl: string;
  process: ChildProcess;
  /** stdout + stderr so far (structured log lines and the console text). */
  logs(): string;
  status(): Promise<ServerStatus>;
  /** Resident memory of the daemon and every process under it (engine hosts), in MB; `largestChild` = the biggest engine host. */
  rssMb(): { daemon: number; total: number; largestChild: number };
  /** SIGTERM, wait for exit (SIGKILL after 10 s), remove a temp home. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Runs the real CLI (`loupe start --port 0`) in its own process with its own LOUPE_HOME, so the
 * bench measures the daemon a user runs (and its memory) and the tests drive it from outside.
 * Ready once LOUPE_HOME/daemon.json names its pid.
 */
export async function launchDaemon(options: LaunchOptions = {}): Promise<LaunchedDaemon> {
  const ownHome = options.home === undefined;
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'loupe-home-'));
  const token = options.token === null ? undefined : (options.token ?? randomBytes(32).toString('hex'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOUPE_HOME: home,
    // Never touch the real user's browser registrations.
    LOUPE_NATIVE_MANIFEST_DIRS: '',
    LOUPE_LOG_LEVEL: options.logLevel ?? process.env.LOUPE_LOG_LEVEL ?? 'info',
    ...(token ? { LOUPE_TOKEN: token } : {}),
    ...options.env,
  };
  if (token === undefined) delete env.LOUPE_TOKEN;
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];

  // One node process (tsx as a loader, not the tsx CLI): the pid and signals are the daemon's own.
  const { entry, execArgv } = childEntry(CLI_MAIN, 'loupe.mjs', import.meta.url);
  const child = spawn(process.execPath, [...execArgv, entry, 'start', '--port', '0', ...(options.args ?? [])], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code, signal) => r(code ?? (signal ? 128 : null))));
  let exitCode: number | null | undefined;
  void exited.then((c) => (exitCode = c));

  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let port: number | undefined;
  while (port === undefined) {
    const failure = exitCode !== undefined ? `exited with ${exitCode} before listening` : Date.now() > deadline ? `did not listen within ${timeoutMs} ms` : undefined;
    if (failure) {
      child.kill('SIGKILL');
      if (ownHome) rmSync(home, { recursive: true, force: true });
      throw new Error(`loupe start ${failure}:\n${output.slice(-4000)}`);
    }
    if (!options.readyLine || options.readyLine.test(output)) port = listeningPort(home, child.pid);
    if (port === undefined) await new Promise((r) => setTimeout(r, 50));
  }
  const finalToken = token ?? readFileSync(join(home, 'token'), 'utf8').trim();
  const pid = child.pid!;
  let tree: number[] = [];
  let treeAt = -Infinity;
  let stopped: Promise<number | null> | undefined;
  return {
    port,
    token: finalToken,
    home,
    pid,
    url: `http://127.0.0.1:${port}`,
    wsUrl: `ws://127.0.0.1:${port}${WS_PATH}`,
    process: child,
    logs: () => output,
    async status() {
      const res = await fetch(`http://127.0.0.1:${port}/v1/status`, { headers: { Authorization: `Bearer ${finalToken}` } });
      return (await res.json()) as ServerStatus;
    },
    rssMb() {
      // Sampled often while engines run: walk /proc for the process tree only every 2 s
      // (engine hosts come and go rarely), so the sampler itself does not steal the CPU it measures.
      if (performance.now() - treeAt > 2_000) {
        tree = descendants(pid);
        treeAt = performance.now();
      }
      const children = tree.map((p) => rssMb(p) ?? 0);
      const daemon = rssMb(pid) ?? 0;
      return { daemon, total: children.reduce((s, r) => s + r, daemon), largestChild: Math.max(0, ...children) };
    },
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

/** The port in LOUPE_HOME/daemon.json once it names this child (not a stale file). */
function listeningPort(home: string, pid: number | undefined): number | undefined {
  try {
    const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { pid: number; port: number };
    return info.pid === pid ? info.port : undefined;
  } catch {
    return undefined; // not yet written, or being written
  }
}

/** Polls until every named engine is ready; throws with the engines' notes when one fails. */
export async function waitForEngines(d: Pick<LaunchedDaemon, 'status'>, names: string[], timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const engines = (await d.status()).engines;
    const states = names.map((n) => engines.find((e) => e.name === n));
    if (states.every((e) => e?.state === 'ready')) return;
    const failed = states.find((e) => e?.state === 'error');
    if (failed) throw new Error(`engine ${failed.name} failed to load: ${failed.note ?? 'no reason given'}`);
    if (Date.now() > deadline) throw new Error(`engines not ready in time: ${JSON.stringify(engines.map((e) => [e.name, e.state]))}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
