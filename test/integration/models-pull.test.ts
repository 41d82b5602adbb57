import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullError } from '@loupe/models/pull/errors';
import { pullModel } from '@loupe/models/pull/pull-model';
import { buildStandIn } from '@loupe/models/standin/build';
import type { HubServer } from '@loupe/models/testing/hub-server';
import { generateCheck } from '@loupe/models/testing/generate-check';
import { verifyModelDir } from '@loupe/models/verify/verify-model-dir';
import { serveStandIn, standInEntry, type StandInHub } from '../helpers/standin-hub';

const REPO = 'loupe-test/Qwen2.5-VL-StandIn-ONNX';
const entry = standInEntry('standin-test', REPO);
let fx: StandInHub;
let hub: HubServer;
const freshHome = () => fx.freshHome();
const pull = (home: string, extra: Partial<Parameters<typeof pullModel>[0]> = {}) =>
  pullModel({ id: entry.id, entry, home, hubUrl: hub.url, dtype: 'q4', ...extra });

async function listParts(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && (e.name.endsWith('.part') || e.name.endsWith('.part.json'))) out.push(e.name);
  }
  return out;
}

beforeAll(async () => {
  fx = await serveStandIn(
    'loupe-pull-',
    REPO,
    async (repoDir, root) => {
      await buildStandIn(repoDir, { family: 'qwen2_5_vl', dtype: 'q4', externalData: 2 });
      // Another dtype in the repo that the pull must leave alone.
      await buildStandIn(join(root, 'other'), { family: 'qwen2_5_vl', dtype: 'fp16' });
      await mkdir(join(repoDir, 'onnx'), { recursive: true });
      for (const f of await readdir(join(root, 'other', 'onnx'))) {
        await writeFile(join(repoDir, 'onnx', f), await readFile(join(root, 'other', 'onnx', f)));
      }
    },
    { pageSize: 4 },
  );
  ({ hub } = fx);
});
afterAll(() => fx?.close());

describe('models pull against a loopback hub', () => {
  it('pulls one dtype with progress, pins the commit, verifies and loads', async () => {
    const home = await freshHome();
    const progress: number[] = [];
    let total = 0;
    const result = await pull(home, {
      onProgress: (p) => {
        progress.push(p.done);
        total = p.total;
      },
    });
    expect(result.commit).toBe(hub.commit(REPO));
    expect(result.verify).toMatchObject({ ok: true, family: 'qwen2_5_vl', dtypes: ['q4'] });
    expect(result.files).toContain('onnx/embed_tokens_q4.onnx_data_1');
    expect(result.files.some((f) => f.includes('_fp16'))).toBe(false);
    const onnxFiles = (await readdir(join(result.dir, 'onnx'))).sort();
    expect(onnxFiles).toEqual(result.files.filter((f) => f.startsWith('onnx/')).map((f) => f.slice(5)).sort());
    expect(progress.at(-1)).toBe(total);
    expect(result.downloadedBytes).toBe(total);
    // The tree listing was paginated and every file was fetched at the pinned commit.
    expect(hub.requests.some((r) => r.url.includes('/tree/') && r.url.includes('cursor='))).toBe(true);
    expect(hub.requests.filter((r) => r.url.includes('/resolve/')).every((r) => r.url.includes(`/resolve/${result.commit}/`))).toBe(true);
    for (const f of hub.files(REPO).filter((x) => result.files.includes(x.path))) {
      expect((await stat(join(result.dir, f.path))).size).toBe(f.size);
    }
    const gen = await generateCheck(result.dir, { dtype: 'q4', maxNewTokens: 3 });
    expect(gen.tokens).toHaveLength(3);

    // A second pull finds everything verified on disk and downloads nothing.
    const again = await pull(home);
    expect(again.downloadedBytes).toBe(0);
    expect(again.skippedFiles).toBe(result.files.length);
  });

  it('resumes an interrupted download with a Range request', async () => {
    const home = await freshHome();
    const path = 'onnx/embed_tokens_q4.onnx_data';
    const size = hub.files(REPO).find((f) => f.path === path)!.size;
    hub.cutAfter(path, 300_000);
    const err = await pull(home).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PullError);
    expect((err as PullError).code).toBe('interrupted');
    expect((err as Error).message).toMatch(/download of onnx\/embed_tokens_q4.onnx_data was interrupted after \d+ of \d+ bytes.*run the same pull again to resume/);
    const partPath = join(home, 'models', entry.id, `${path}.part`);
    const partSize = (await stat(partPath)).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThan(size);

    const before = hub.requests.length;
    const result = await pull(home);
    expect(result.verify.ok).toBe(true);
    const ranged = hub.requests.slice(before).filter((r) => r.url.endsWith(path) && r.range && r.range !== 'bytes=0-0');
    expect(ranged.map((r) => r.range)).toEqual([`bytes=${partSize}-${size - 1}`]);
    expect(result.skippedFiles).toBeGreaterThan(0);
    expect(await listParts(result.dir)).toEqual([]);
  });

  it('detects corrupted bytes (sha256), removes them, and recovers when the hub is fixed', async () => {
    const home = await freshHome();
    hub.corrupt('onnx/decoder_model_merged_q4.onnx');
    try {
      const err = await pull(home).catch((e: unknown) => e);
      expect((err as PullError).code).toBe('integrity');
      expect((err as Error).message).toMatch(/onnx\/decoder_model_merged_q4.onnx failed verification \(sha256 .* expected .*\); the bad download was removed/);
      expect(await listParts(join(home, 'models', entry.id))).toEqual([]);
      expect(existsSync(join(home, 'models', entry.id, 'onnx', 'decoder_model_merged_q4.onnx'))).toBe(false);
    } finally {
      hub.corrupt('onnx/decoder_model_merged_q4.onnx', false);
    }
    const ok = await pull(home);
    expect(ok.verify.ok).toBe(true);

    // A file damaged on disk after the pull is detected and fetched again (and only that file).
    const damaged = join(ok.dir, 'onnx', 'vision_encoder_q4.onnx_data');
    const bytes = await readFile(damaged);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(damaged, bytes);
    expect((await verifyModelDir(ok.dir)).ok).toBe(true);
    const hashed = await verifyModelDir(ok.dir, { hashes: true });
    expect(hashed.problems).toEqual([
      expect.objectContaining({ file: 'onnx/vision_encoder_q4.onnx_data', problem: expect.stringContaining("differs from the hub's sha256"), fix: expect.stringContaining('loupe models pull standin-test --dtype q4') }),
    ]);
    await truncate(join(ok.dir, 'tokenizer.json'), 1000);
    expect((await verifyModelDir(ok.dir)).problems.map((p) => p.file)).toContain('tokenizer.json');
    const repaired = await pull(home);
    expect(repaired.skippedFiles).toBe(ok.files.length - 2);
    expect(repaired.verify.ok).toBe(true);
    expect((await verifyModelDir(ok.dir, { hashes: true })).problems).toEqual([]);
  });

  it('allows one pull per model directory at a time', async () => {
    const home = await freshHome();
    const results = await Promise.allSettled([pull(home), pull(home)]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((rejected.reason as Error).message).toMatch(/a pull of standin-test is already running/);
    expect(existsSync(join(home, 'models', entry.id, '.loupe-pull.lock'))).toBe(false);
  });

  it('refuses to download offline and names `loupe models import`', async () => {
    const home = await freshHome();
    const before = hub.requests.length;
    await expect(pull(home, { offline: true })).rejects.toThrow(/offline mode.*loupe models import <dir>/);
    const saved = process.env.HF_HUB_OFFLINE;
    process.env.HF_HUB_OFFLINE = '1';
    try {
      await expect(pull(home)).rejects.toMatchObject({ code: 'offline' });
    } finally {
      if (saved === undefined) delete process.env.HF_HUB_OFFLINE;
      else process.env.HF_HUB_OFFLINE = saved;
    }
    expect(hub.requests.length).toBe(before);
  });

  it('names the dtypes a repo has when the asked one is missing', async () => {
    await expect(pull(await freshHome(), { dtype: 'q4f16' })).rejects.toThrow(/has no q4f16 export .*available dtypes: fp16, q4 — pass --dtype fp16/);
  });

  it('checks free disk space before the first byte', async () => {
    const home = await freshHome();
    const before = hub.requests.filter((r) => r.url.includes('/resolve/')).length;
    await expect(pull(home, { freeBytes: async () => 5_000_000 })).rejects.toThrow(/not enough disk space in .*needs .* more plus .* headroom, 4\.8 MiB free/);
    expect(hub.requests.filter((r) => r.url.includes('/resolve/')).length).toBe(before);
  });

  it('reports an unknown repo as not found', async () => {
    const bad = { ...entry, hubRepo: 'loupe-test/does-not-exist' };
    await expect(pullModel({ id: bad.id, entry: bad, home: await freshHome(), hubUrl: hub.url })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('cleans partial files and says so when the disk fills up', async (ctx) => {
    const home = await freshHome();
    const mountPoint = join(home, 'models');
    await mkdir(mountPoint, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint], { stdio: 'ignore' });
    } catch {
      ctx.skip('disk-full test needs permission to mount a small tmpfs (run as root); skipped');
    }
    try {
      const err = await pull(home, { freeBytes: async () => 1e12 }).catch((e: unknown) => e);
      expect((err as PullError).code).toBe('disk-full');
      expect((err as Error).message).toMatch(/disk full while downloading .*partial files were removed — free at least/);
      expect(await listParts(join(mountPoint, entry.id))).toEqual([]);
    } finally {
      execFileSync('umount', [mountPoint], { stdio: 'ignore' });
    }
  });
});
