import { mkdtempSync, rmSync, truncateSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerStatus } from '@loupe/shared';
import { startDaemon } from '../helpers/daemon';
import { engineHostPid } from '../helpers/daemon-process';
import { grayPng, textPng } from '../helpers/images';
import { isAlive, waitUntil } from '../helpers/proc';
import { standInModel } from '../helpers/standin';
import { LoupeClient } from '../helpers/ws-client';

/**
 * Fault suite: the engine host dies mid-job, model directories are missing or corrupt, a
 * client vanishes mid-stream, the companion restarts under a connected client.
 */
type Daemon = Awaited<ReturnType<typeof startDaemon>>;
let d: Daemon;
let model: Awaited<ReturnType<typeof standInModel>>;

async function status(daemon: Daemon): Promise<ServerStatus> {
  const res = await fetch(`${daemon.url}/v1/status`, { headers: { Authorization: `Bearer ${daemon.token}` } });
  return (await res.json()) as ServerStatus;
}
const engineState = async (daemon: Daemon, name: string) => (await status(daemon)).engines.find((e) => e.name === name)?.state;

beforeAll(async () => {
  // No EOS: the stand-in generates until maxTokens, so a long job stays running while we act on it.
  model = await standInModel({ eosAfter: undefined });
  d = await startDaemon({ args: ['--model', model.dir] });
  await waitUntil(async () => (await engineState(d, 'qwen-vl')) === 'ready', 120_000, 'the VLM engine to load');
}, 300_000);
afterAll(async () => {
  await d?.stop();
  model?.cleanup();
});

describe('engine host killed mid-job', () => {
  it.each(['qwen-vl', 'ppocr'])('SIGKILL of the %s host: that job errors, the engine restarts, the next job is served', async (engine) => {
    const client = await LoupeClient.connect(d.port, { token: d.token });
    const image = engine === 'ppocr' ? await textPng(Array.from({ length: 40 }, (_, i) => `line ${i} of a long page of text`).join('\n'), 150) : grayPng(64, 64);
    const task = engine === 'ppocr' ? 'ocr' : 'describe';
    const pidBefore = engineHostPid(d.home, engine);
    expect(pidBefore, `${engine} host pid`).toBeDefined();
    client.submit({ id: 'victim', task, maxTokens: 8192 }, [image]);
    await client.waitFor((m) => m.type === 'started' && m.id === 'victim');
    process.kill(pidBefore!, 'SIGKILL');
    // Killed the moment it starts: a VLM job with 8192 tokens to go, or OCR of a 40-line page, cannot be done yet.
    expect(await client.terminal('victim')).toMatchObject({ type: 'error', code: 'engine_crashed', hint: expect.stringMatching(/\w{3}/) });
    expect(client.forJob('victim').filter((m) => m.type === 'done' || m.type === 'error' || m.type === 'cancelled')).toHaveLength(1);
    expect(isAlive(d.pid)).toBe(true);
    await waitUntil(() => {
      const pid = engineHostPid(d.home, engine);
      return pid !== undefined && pid !== pidBefore;
    }, 60_000, `a new ${engine} host process`);
    await waitUntil(async () => (await engineState(d, engine)) === 'ready', 120_000, `${engine} ready again`);
    client.submit({ id: 'next', task, maxTokens: 4 }, [engine === 'ppocr' ? await textPng('hello again') : grayPng(32, 32)]);
    expect(await client.terminal('next')).toMatchObject({ type: 'done' });
    client.close();
  });
});

describe('client disconnect mid-stream', () => {
  it('cancels the job and frees the engine for the next client', async ({ annotate }) => {
    const a = await LoupeClient.connect(d.port, { token: d.token });
    const b = await LoupeClient.connect(d.port, { token: d.token });
    a.submit({ id: 'long', task: 'describe', maxTokens: 8192 }, [grayPng(64, 64)]);
    await a.waitFor((m) => m.type === 'delta' && m.id === 'long');
    b.submit({ id: 'waiting', task: 'describe', maxTokens: 4 }, [grayPng(32, 32)]);
    await b.waitFor((m) => m.type === 'queued' && m.id === 'waiting');
    const t0 = Date.now();
    a.close();
    await b.waitFor((m) => m.type === 'started' && m.id === 'waiting');
    const gap = Date.now() - t0;
    expect(await b.terminal('waiting')).toMatchObject({ type: 'done' });
    // The long job would have needed thousands of tokens: it was cancelled, not finished.
    const s = await status(d);
    expect(s.queue).toBe(0);
    await annotate(`disconnect → next job started after ${gap} ms`);
    b.close();
  });
});

describe('model directory missing or corrupt', () => {
  const cases: Array<[string, () => string]> = [
    ['missing', () => join(tmpdir(), `loupe-no-such-model-${process.pid}`)],
    ['corrupt config.json', () => {
      const dir = mkdtempSync(join(tmpdir(), 'loupe-corrupt-'));
      writeFileSync(join(dir, 'config.json'), '{ not json');
      return dir;
    }],
    ['truncated onnx', () => 'truncate'],
  ];

  it.each(cases)('%s: the daemon stays up, the VLM reports a clear error, OCR still works', async (what, make) => {
    let dir = make();
    let cleanup = () => rmSync(dir, { recursive: true, force: true });
    if (dir === 'truncate') {
      const m = await standInModel();
      dir = m.dir;
      cleanup = m.cleanup;
      for (const f of readdirSync(join(dir, 'onnx'))) truncateSync(join(dir, 'onnx', f), 100);
    }
    const bad = await startDaemon({ args: ['--model', dir] });
    try {
      await waitUntil(async () => ['error', 'absent'].includes((await engineState(bad, 'qwen-vl')) ?? 'absent'), 120_000, 'the VLM engine to report its failure');
      const vlm = (await status(bad)).engines.find((e) => e.name === 'qwen-vl');
      expect(vlm, `${what}: status lists the VLM`).toMatchObject({ state: 'error', note: expect.stringMatching(/\w{3}/) });
      const client = await LoupeClient.connect(bad.port, { token: bad.token });
      client.submit({ id: 'describe', task: 'describe' }, [grayPng(16, 16)]);
      const reply = await client.terminal('describe');
      expect(reply).toMatchObject({ type: 'error', code: expect.stringMatching(/^(model_invalid|engine_unavailable)$/) });
      const { hint, message } = reply as { hint?: string; message: string };
      expect(hint ?? message).toMatch(/loupe|model/i);
      client.submit({ id: 'ocr', task: 'ocr' }, [await textPng('still reading')]);
      expect(await client.terminal('ocr')).toMatchObject({ type: 'done' });
      expect(isAlive(bad.pid)).toBe(true);
      client.close();
    } finally {
      await bad.stop();
      cleanup();
    }
  });
});

describe('companion restart under a connected client', () => {
  it('the client sees a close and reconnects to the restarted companion with the same token', async () => {
    const home = mkdtempSync(join(tmpdir(), 'loupe-restart-'));
    const first = await startDaemon({ home });
    try {
      const client = await LoupeClient.connect(first.port, { token: first.token });
      const port = first.port;
      await first.stop();
      const closed = await client.waitClose();
      expect([1001, 1006]).toContain(closed.code);
      const second = await startDaemon({ home, token: first.token, args: ['--port', String(port)] });
      try {
        expect(second.port).toBe(port);
        // What a client does: retry with backoff until the companion answers.
        let again: LoupeClient | undefined;
        for (let attempt = 0; !again && attempt < 50; attempt++) {
          again = await LoupeClient.connect(port, { token: first.token }).catch(async () => {
            await new Promise((r) => setTimeout(r, 100 * Math.min(attempt + 1, 10)));
            return undefined;
          });
        }
        expect(again).toBeDefined();
        again!.send({ type: 'status' });
        await again!.waitFor((m) => m.type === 'status');
        again!.close();
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
