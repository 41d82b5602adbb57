import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerStatus } from '@loupe/shared';
import { childEntry } from '../bundle-entry';

const CLI_MAIN = fileURLToPath(new URL('../cli/main.ts', import.meta.url));

export interface BenchDaemon {
  port: number;
  token: string;
  pid: number;
  status(): Promise<ServerStatus>;
  /** Resident memory of the daemon and every process under it (engine hosts), in MB; `largestChild` = the biggest engine host. */
  rssMb(): { daemon: number; total: number; largestChild: number };
  stop(): Promise<void>;
  output(): string;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** The process tree under `root` (Linux /proc, one pass over it); elsewhere just the root. */
function tree(root: number): number[] {
  if (!existsSync('/proc/self/stat')) return [root];
  const children = new Map<number, number[]>();
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number)) {
    const parent = parentOf(pid);
    if (parent !== undefined) children.set(parent, [...(children.get(parent) ?? []), pid]);
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]!) ?? []));
  return out;
}

/**
 * Runs `loupe start` in its own process with a temp LOUPE_HOME, so the bench measures the
 * daemon a user runs (and its memory) rather than the bench's own process.
 */
export async function startBenchDaemon(args: string[], timeoutMs = 180_000, extraEnv: Record<string, string> = {}): Promise<BenchDaemon> {
  const home = mkdtempSync(join(tmpdir(), 'loupe-bench-'));
  const token = randomBytes(32).toString('hex');
  const { entry, execArgv } = childEntry(CLI_MAIN, 'loupe.mjs', import.meta.url);
  const child: ChildProcess = spawn(process.execPath, [...execArgv, entry, 'start', '--port', '0', ...args], {
    env: { ...process.env, LOUPE_HOME: home, LOUPE_TOKEN: token, LOUPE_NATIVE_MANIFEST_DIRS: '', LOUPE_LOG_LEVEL: 'warn', ...extraEnv },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  let exited = false;
  let pids: number[] = [];
  let treeAt = -Infinity;
  const exit = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const deadline = Date.now() + timeoutMs;
  let port: number | undefined;
  while (port === undefined) {
    if (exited) throw new Error(`loupe start exited before listening:\n${output.slice(-2000)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`loupe start did not listen within ${timeoutMs} ms:\n${output.slice(-2000)}`);
    }
    try {
      const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { pid: number; port: number };
      if (info.pid === child.pid) port = info.port;
    } catch {
      /* not yet written */
    }
    if (port === undefined) await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid!;
  return {
    port,
    token,
    pid,
    output: () => output,
    async status() {
      const res = await fetch(`http://127.0.0.1:${port}/v1/status`, { headers: { Authorization: `Bearer ${token}` } });
      return (await res.json()) as ServerStatus;
    },
    rssMb() {
      // Sampled often while engines run: walk /proc for the process tree only every 2 s
      // (engine hosts come and go rarely), so the sampler itself does not steal the CPU it measures.
      if (performance.now() - treeAt > 2_000) {
        pids = tree(pid);
        treeAt = performance.now();
      }
      const children = pids.slice(1).map(rssOf);
      const daemon = rssOf(pid);
      return { daemon, total: children.reduce((s, r) => s + r, daemon), largestChild: Math.max(0, ...children) };
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(killer);
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Polls until every named engine is ready; throws with the engines' notes when one fails. */
export async function waitForEngines(d: BenchDaemon, names: string[], timeoutMs = 180_000): Promise<void> {
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
