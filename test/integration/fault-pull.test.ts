import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandIn } from '@loupe/models/standin/build';
import { startHubServer, type HubServer } from '@loupe/models/testing/hub-server';
import { CLI_MAIN, REPO_ROOT } from '../helpers/daemon';
import { waitUntil } from '../helpers/proc';
import { startSlowProxy } from '../helpers/slow-proxy';

/**
 * Model pulls under faults, through the real CLI process (`loupe models pull`) against the
 * loopback hub of @loupe/models: the process is SIGKILLed mid-download and run again (it must
 * resume with a Range request), and the disk fills up mid-download (a small tmpfs that another
 * writer fills — needs root to mount; skipped with a message otherwise).
 */
const REPO = 'loupe-test/Qwen2.5-VL-Fault';
let root: string;
let hub: HubServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'loupe-fault-pull-'));
  await buildStandIn(join(root, 'repo'), { family: 'qwen2_5_vl', dtype: 'q8', externalData: true });
  hub = await startHubServer({ repos: { [REPO]: join(root, 'repo') } });
}, 120_000);
afterAll(async () => {
  await hub?.close();
  if (root) rmSync(root, { recursive: true, force: true });
});

function partsUnder(dir: string): Array<{ path: string; size: number }> {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.part'))
    .flatMap((e) => {
      const path = join(e.parentPath, e.name);
      // The pull renames a finished .part file while we list: one that is gone by stat time is no longer partial.
      const stat = statSync(path, { throwIfNoEntry: false });
      return stat ? [{ path, size: stat.size }] : [];
    });
}

function pullProcess(home: string, hubUrl: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI_MAIN, 'models', 'pull', REPO, '--dtype', 'q8', '--hub-url', hubUrl], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOUPE_HOME: home, HF_HUB_OFFLINE: '', LOUPE_OFFLINE: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exit, output: () => out };
}

describe('model pull faults (CLI process)', () => {
  it('a pull killed mid-download resumes with a Range request on the next run', async ({ annotate }) => {
    const home = join(root, 'home-resume');
    const biggest = hub.files(REPO).reduce((a, b) => (b.size > a.size ? b : a));
    // Slow enough that the largest file takes a few seconds.
    const proxy = await startSlowProxy(Number(new URL(hub.url).port), Math.max(64 * 1024, Math.floor(biggest.size / 4)));
    try {
      const first = pullProcess(home, proxy.url);
      const partOfBiggest = () => partsUnder(home).find((p) => p.path.endsWith(`${biggest.path}.part`) && p.size > 0);
      await waitUntil(() => partOfBiggest() !== undefined, 120_000, `a partial download of ${biggest.path}`);
      first.child.kill('SIGKILL');
      await first.exit;
      const part = partOfBiggest()!;
      const full = biggest;
      expect(part.size).toBeLessThan(full.size);

      const before = hub.requests.length;
      const second = pullProcess(home, hub.url);
      const code = await second.exit;
      expect(code, second.output()).toBe(0);
      const ranged = hub.requests.slice(before).filter((r) => r.url.endsWith(full.path) && r.range && r.range !== 'bytes=0-0');
      await annotate(`killed at ${part.size}/${full.size} bytes of ${full.path}; resume requests: ${JSON.stringify(ranged.map((r) => r.range))}`);
      expect(ranged.length).toBe(1);
      expect(Number(/bytes=(\d+)-/.exec(ranged[0]!.range!)?.[1])).toBeGreaterThan(0);
      expect(partsUnder(home)).toEqual([]);
      expect(second.output()).toMatch(/pulled/);
    } finally {
      await proxy.close();
    }
  });

  it('the disk filling up mid-download gives a clear error and leaves no partial files', async (ctx) => {
    const home = join(root, 'home-full');
    const models = join(home, 'models');
    mkdirSync(models, { recursive: true });
    const total = hub.files(REPO).reduce((s, f) => s + f.size, 0);
    // Room for the pull's own free-space check (download + its 64 MB margin), so the failure comes mid-download.
    const sizeMb = Math.ceil((total + 66 * 1024 * 1024) / (1024 * 1024));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', models], { stdio: 'ignore' });
    } catch {
      ctx.skip('mounting a small tmpfs needs root (the models package covers ENOSPC with an injected disk)');
      return;
    }
    const biggest = hub.files(REPO).reduce((a, b) => (b.size > a.size ? b : a));
    const proxy = await startSlowProxy(Number(new URL(hub.url).port), Math.max(64 * 1024, Math.floor(biggest.size / 4)));
    try {
      const pull = pullProcess(home, proxy.url);
      await waitUntil(() => partsUnder(home).some((p) => p.size > 0), 120_000, 'a partial download');
      // Another program fills the disk while the pull is running.
      const filler = openSync(join(models, 'filler.bin'), 'w');
      const block = Buffer.alloc(1024 * 1024, 1);
      try {
        for (;;) writeSync(filler, block);
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(filler);
      }
      const code = await pull.exit;
      await ctx.annotate(`disk-full pull: exit ${code}: ${pull.output().trim().split('\n').pop()}`);
      expect(code).toBe(1);
      expect(pull.output()).toMatch(/disk full/i);
      expect(pull.output()).toMatch(/free at least|partial files were removed/);
      expect(partsUnder(home)).toEqual([]);
    } finally {
      await proxy.close();
      rmSync(join(models, 'filler.bin'), { force: true });
      execFileSync('umount', [models], { stdio: 'ignore' });
    }
  });
});
