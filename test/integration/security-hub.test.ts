import { existsSync } from 'node:fs';
import { lstat, mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModelsCommand } from '@loupe/models/cli/index';
import { PullError } from '@loupe/models/pull/errors';
import { pullModel } from '@loupe/models/pull/pull-model';
import { buildStandIn } from '@loupe/models/standin/build';
import type { HubServer } from '@loupe/models/testing/hub-server';
import { serveStandIn, standInEntry, type StandInHub } from '../helpers/standin-hub';

// A hostile hub or mirror (--hub-url / HF_ENDPOINT) and hostile local folders: nothing lands,
// links or gets deleted outside LOUPE_HOME/models/<id>.
const REPO = 'loupe-test/Hostile-StandIn';
const entry = standInEntry('hostile-test', REPO);
let fx: StandInHub;
let root: string;
let hub: HubServer;
const freshHome = () => fx.freshHome();

async function models(home: string, argv: string[]) {
  let out = '';
  let err = '';
  const sink = (add: (s: string) => void) => new Writable({ write: (c, _e, cb) => (add(String(c)), cb()) });
  const code = await runModelsCommand(argv, { home, stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)) });
  return { code, out, err };
}

beforeAll(async () => {
  fx = await serveStandIn('loupe-hostile-hub-', REPO, async (repoDir, root) => {
    await buildStandIn(repoDir, { family: 'qwen2_5_vl', dtype: 'q4', externalData: 1 });
    await writeFile(join(root, 'payload.sh'), 'echo owned\n');
  });
  ({ root, hub } = fx);
  // Names a hostile listing carries: traversal after the data-file prefix, an absolute path, backslashes.
  await hub.listHostile(REPO, 'onnx/decoder_model_merged_q4.onnx_data/../../../../escaped.sh', join(root, 'payload.sh'));
  await hub.listHostile(REPO, `onnx/decoder_model_merged_q4.onnx_data_9/../../../../../escaped-abs.sh`, join(root, 'payload.sh'));
  await hub.listHostile(REPO, 'onnx/decoder_model_merged_q4.onnx_data\\..\\..\\..\\..\\escaped-bs.sh', join(root, 'payload.sh'));
  await hub.listHostile(REPO, `${root}/escaped-root.sh`, join(root, 'payload.sh'));
});
afterAll(() => fx?.close());

describe('a hostile hub', () => {
  it('cannot write outside the model folder through listed file names', async () => {
    const home = await freshHome();
    const result = await pullModel({ id: entry.id, entry, home, hubUrl: hub.url, dtype: 'q4' });
    expect(result.verify.ok).toBe(true);
    expect(result.files.every((f) => !f.includes('..') && !f.includes('\\') && !f.startsWith('/'))).toBe(true);
    for (const name of ['escaped.sh', 'escaped-abs.sh', 'escaped-root.sh']) {
      expect(existsSync(join(home, name)), name).toBe(false);
      expect(existsSync(join(root, name)), name).toBe(false);
    }
    expect(existsSync(join(home, 'models', 'escaped.sh'))).toBe(false);
  });

  it('refuses repo ids with dot segments before any request, leaving LOUPE_HOME alone', async () => {
    const home = await freshHome();
    await writeFile(join(home, 'config.json'), '{"mine":true}');
    for (const id of ['evil/..', 'evil/.', '../evil', 'a/b/c', 'evil/x..y', 'evil/-x']) {
      const before = hub.requests.length;
      const err = await pullModel({ id, home, hubUrl: hub.url, dtype: 'q4' }).catch((e: unknown) => e);
      expect(err, id).toBeInstanceOf(Error);
      expect((err as Error).message, id).toMatch(/owner\/name/);
      expect(hub.requests.length, id).toBe(before);
    }
    expect(await readFile(join(home, 'config.json'), 'utf8')).toBe('{"mine":true}');
  });

  it('stops reading a file at its listed size', async () => {
    const home = await freshHome();
    const path = 'onnx/decoder_model_merged_q4.onnx_data';
    const listed = hub.files(REPO).find((f) => f.path === path)!.size;
    hub.oversize(path, 64 * 1024 * 1024);
    let maxOnDisk = 0;
    const err = await pullModel({
      id: entry.id,
      entry,
      home,
      hubUrl: hub.url,
      dtype: 'q4',
      onProgress: (p) => {
        if (p.file === path) maxOnDisk = Math.max(maxOnDisk, p.fileDone);
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PullError);
    expect((err as PullError).code).toBe('integrity');
    expect((err as Error).message).toMatch(/more than the \d+ bytes it listed/);
    expect(maxOnDisk).toBeLessThanOrEqual(listed);
    expect(existsSync(join(home, 'models', entry.id, `${path}.part`))).toBe(false);
  });
});

describe('models import and rm stay inside LOUPE_HOME/models', () => {
  it('import copies what links point to instead of keeping links that lead outside', async () => {
    const home = await freshHome();
    const src = join(root, 'import-src');
    await buildStandIn(src, { family: 'qwen2_5_vl', dtype: 'q4' });
    await writeFile(join(root, 'outside-secret.txt'), 'outside');
    await symlink(join(root, 'outside-secret.txt'), join(src, 'notes.txt'));
    const r = await models(home, ['import', src, '--id', 'linked']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const copied = join(home, 'models', 'linked', 'notes.txt');
    expect((await lstat(copied)).isSymbolicLink()).toBe(false);
    // Removing the model leaves the file the link pointed to alone.
    expect((await models(home, ['rm', 'linked'])).code).toBe(0);
    expect(await readFile(join(root, 'outside-secret.txt'), 'utf8')).toBe('outside');
  });

  it('rm refuses a models/ entry that is a link to a folder elsewhere', async () => {
    const home = await freshHome();
    const elsewhere = join(root, 'elsewhere');
    await mkdir(elsewhere, { recursive: true });
    await writeFile(join(elsewhere, 'keep.txt'), 'keep');
    await mkdir(join(home, 'models'), { recursive: true });
    await symlink(elsewhere, join(home, 'models', 'planted'));
    const r = await models(home, ['rm', 'planted']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/is a link, not a model folder inside .*nothing removed/);
    expect(await readFile(join(elsewhere, 'keep.txt'), 'utf8')).toBe('keep');
    expect(existsSync(join(home, 'models', 'planted'))).toBe(true);
    for (const id of ['..', '.', '../..']) expect((await models(home, ['rm', id])).code, id).toBe(2);
    expect(existsSync(home)).toBe(true);
  });
});
