import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runModelsCommand } from '@loupe/models/cli/index';
import { buildStandIn } from '@loupe/models/standin/build';
import { startHubServer } from '@loupe/models/testing/hub-server';
import type { HubServer } from '@loupe/models/testing/hub-server';

const LABEL = 'test stand-in — output is noise';
let root: string;
let home: string;
let hub: HubServer;

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      text += String(chunk);
      cb();
    },
  });
  return { stream, text: () => text };
}
async function run(argv: string[]) {
  const out = capture();
  const err = capture();
  const code = await runModelsCommand(argv, { home, stdout: out.stream, stderr: err.stream });
  return { code, out: out.text(), err: err.text() };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loupe-models-cli-'));
  home = join(root, 'home');
  await buildStandIn(join(root, 'hub-repo'), { family: 'qwen2_vl', dtype: 'q8' });
  hub = await startHubServer({ repos: { 'loupe-test/Qwen2-VL-StandIn': join(root, 'hub-repo') } });
});
afterAll(async () => {
  await hub?.close();
  await rm(root, { recursive: true, force: true });
});

describe('loupe models CLI', () => {
  it('stand-in → verify → import → list → rm', async () => {
    const dir = join(root, 'si');
    const built = await run(['stand-in', dir, '--family', 'qwen3_vl', '--dtype', 'q4f16', '--external-data']);
    expect(built.code).toBe(0);
    expect(built.out).toContain(LABEL);
    expect(existsSync(join(dir, 'onnx', 'decoder_model_merged_q4f16.onnx_data'))).toBe(true);
    expect(await readFile(join(dir, 'README.md'), 'utf8')).toContain(LABEL);

    const verified = await run(['verify', dir]);
    expect(verified).toMatchObject({ code: 0, err: '' });
    expect(verified.out).toContain(`is a Qwen3-VL model (dtypes: q4f16) — ${LABEL}`);

    expect((await run(['import', dir, '--id', 'tiny'])).code).toBe(0);
    const dup = await run(['import', dir, '--id', 'tiny']);
    expect(dup.code).toBe(1);
    expect(dup.err).toContain('already installed: pass --id NAME');

    const listed = await run(['list']);
    expect(listed.out).toMatch(/tiny\s+qwen3_vl\s+q4f16\s+.*test stand-in — output is noise/);
    expect(listed.out).toContain('qwen2.5-vl-3b');
    const json = JSON.parse((await run(['list', '--json'])).out) as { installed: Array<{ id: string; label?: string }>; catalog: Array<{ id: string; default: boolean }> };
    expect(json.installed).toEqual([expect.objectContaining({ id: 'tiny', label: LABEL })]);
    expect(json.catalog.find((c) => c.default)?.id).toBe('qwen2.5-vl-3b');

    expect((await run(['verify', 'tiny'])).code).toBe(0);
    expect((await run(['rm', 'tiny'])).code).toBe(0);
    expect(existsSync(join(home, 'models', 'tiny'))).toBe(false);
    expect((await run(['rm', 'tiny'])).err).toContain('no installed model "tiny"');
    expect((await run(['rm', '../escape'])).code).toBe(2);
  });

  it('verify and import print one line per problem with the fix, and exit 1', async () => {
    const dir = join(root, 'broken');
    await buildStandIn(dir, { family: 'qwen2_5_vl' });
    const pre = JSON.parse(await readFile(join(dir, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
    delete pre.do_normalize;
    await writeFile(join(dir, 'preprocessor_config.json'), JSON.stringify(pre));
    const r = await run(['verify', dir]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('error: preprocessor_config.json: do_normalize is not true');
    expect(r.err).toContain('— fix: set "do_normalize": true');
    const imported = await run(['import', dir]);
    expect(imported.code).toBe(1);
    expect(imported.err).toContain('not imported: fix the problems above first');
  });

  it('pulls a hub repo by name with progress lines, then finds it installed', async () => {
    const r = await run(['pull', 'loupe-test/Qwen2-VL-StandIn', '--dtype', 'q8', '--hub-url', hub.url]);
    expect(r.err).not.toContain('loupe models:');
    expect(r.code).toBe(0);
    expect(r.out).toContain(`ok: ${join(home, 'models', 'qwen2-vl-standin')} is a Qwen2-VL model (dtypes: q8)`);
    // Not a TTY: progress is one stderr line per finished file.
    expect(r.err).toMatch(/ {2}onnx\/decoder_model_merged_quantized\.onnx \(/);
    const manifest = JSON.parse(await readFile(join(home, 'models', 'qwen2-vl-standin', '.loupe-model.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest).toMatchObject({ source: 'hub', repo: 'loupe-test/Qwen2-VL-StandIn', commit: hub.commit('loupe-test/Qwen2-VL-StandIn'), family: 'qwen2_vl', dtype: 'q8' });

    const missing = await run(['pull', 'loupe-test/Qwen2-VL-StandIn', '--dtype', 'q4', '--hub-url', hub.url]);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^loupe models: .*has no q4 export.*pass --dtype q8\n$/);
  });

  it('gives one-line usage errors', async () => {
    expect(await run(['pull'])).toMatchObject({ code: 2, err: expect.stringMatching(/^loupe models: usage: loupe models pull <id>/) });
    expect((await run(['pull', 'qwen3-vl-2b', '--dtype', 'int3'])).err).toContain('unknown dtype "int3"');
    expect((await run(['stand-in', join(root, 'x'), '--family', 'llava'])).err).toContain('unknown model family "llava"');
    expect((await run(['frobnicate'])).code).toBe(2);
  });

  it('runs as `loupe models` in a real process with LOUPE_HOME, offline', async () => {
    const main = resolve(import.meta.dirname, '../../companion/src/cli/main.ts');
    const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', main, 'models', 'pull', 'qwen3-vl-2b', '--offline'], {
      cwd: resolve(import.meta.dirname, '../..'),
      env: { ...process.env, LOUPE_HOME: home },
    }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'loupe models: offline mode (--offline / HF_HUB_OFFLINE): cannot download qwen3-vl-2b; copy a model directory to this machine and run `loupe models import <dir>`',
    );
  });
});
