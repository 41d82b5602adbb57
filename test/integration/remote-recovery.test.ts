import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerStatus } from '@loupe/shared';
import { startFakeOpenAi, unusedPort, type FakeOpenAi } from '../../companion/src/engine/remote/testing/fake-openai';
import { authFetch, startDaemon, type RunningDaemon } from '../helpers/daemon';
import { textPng } from '../helpers/images';
import { waitUntil } from '../helpers/proc';
import { vlmReady } from '../helpers/vlm-ready';

/**
 * `loupe start --backend openai` before its remote is up: Loupe answers with the real cause
 * (down, then the key refused) and starts serving once the remote answers and the key is
 * right — without a restart. The remote is a tiny OpenAI-compatible server on loopback that
 * records what it was sent; the key comes from a 0600 file, never from argv.
 */
const GOOD_KEY = 'sk-test-right-key';
let remote: FakeOpenAi | undefined;
let port: number;
let d: RunningDaemon;
let dir: string;
let keyFile: string;

/** The remote, once it is up: serves two vision models and an embedding one to the right key, and answers every chat the same. */
const startRemote = () =>
  startFakeOpenAi({
    port,
    models: { '/v1': ['text-embedding-3-small', 'Qwen/Qwen2.5-VL-7B-Instruct', 'llava-1.6'] },
    accepts: (auth) => auth === `Bearer ${GOOD_KEY}`,
    reply: (_body, sse) => {
      sse.chunk({ role: 'assistant', content: '' });
      for (const piece of ['A remote ', 'answer.']) sse.chunk({ content: piece });
      sse.chunk({}, 'stop');
      sse.usage({ prompt_tokens: 123, completion_tokens: 2, total_tokens: 125 });
      sse.end();
    },
  });

const vlmOf = async (): Promise<ServerStatus['engines'][number] | undefined> => ((await (await authFetch(d, '/v1/status')).json()) as ServerStatus).engines.find((e) => e.kind === 'vlm');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'loupe-remote-'));
  keyFile = join(dir, 'key');
  writeFileSync(keyFile, 'sk-wrong\n', { mode: 0o600 });
  port = await unusedPort();
  d = await startDaemon({ args: ['--backend', 'openai', '--base-url', `http://127.0.0.1:${port}/v1`, '--api-key-file', keyFile] });
});
afterAll(async () => {
  await d?.stop();
  await remote?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('remote backend that is not up yet', () => {
  it('says the remote is down, then that it refused the key, then serves once both are fixed — no restart', async () => {
    const client = new OpenAI({ baseURL: `${d.url}/v1`, apiKey: d.token, maxRetries: 0 });
    await waitUntil(async () => /not answering \(ECONNREFUSED\)/.test((await vlmOf())?.note ?? ''), 30_000, 'the down remote in the status');
    const down = await client.chat.completions.create({ model: 'loupe', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(down).toMatchObject({ status: 503, code: 'engine_unavailable' });
    expect(down?.message).toMatch(/not answering.*Loupe keeps retrying/);
    expect(down?.message).not.toMatch(/pull/);

    remote = await startRemote();
    await waitUntil(async () => /refused the API key from file .*\(HTTP 401\)/.test((await vlmOf())?.note ?? ''), 60_000, 'the refused key in the status');
    const refused = await client.chat.completions.create({ model: 'loupe', messages: [{ role: 'user', content: 'hi' }] }).then(() => undefined, (e: unknown) => e as InstanceType<typeof OpenAI.APIError>);
    expect(refused?.message).toMatch(/refused the API key.*chmod 600/);

    writeFileSync(keyFile, `${GOOD_KEY}\n`);
    chmodSync(keyFile, 0o600);
    const vlm = await vlmReady(d, 60_000);
    // The vision model, not the first listed (an embedding model); its stable id is the served name.
    expect(vlm.model?.id).toBe('Qwen/Qwen2.5-VL-7B-Instruct');

    const png = await textPng('Remote', 150);
    const answer = await client.chat.completions.create({
      model: 'Qwen/Qwen2.5-VL-7B-Instruct',
      temperature: 0.6,
      seed: 11,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: [{ type: 'text', text: 'What is it?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } }] },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('A remote answer.');
    expect(answer.usage).toMatchObject({ prompt_tokens: 123, completion_tokens: 2 });
    const sent = remote.requests.at(-1)!;
    expect(sent.auth).toBe(`Bearer ${GOOD_KEY}`);
    expect(sent.body).toMatchObject({ model: 'Qwen/Qwen2.5-VL-7B-Instruct', temperature: 0.6, seed: 11 });
    const messages = sent.body.messages as Array<{ role: string; content: string | Array<{ type: string; image_url?: { url: string } }> }>;
    expect(messages[0]).toEqual({ role: 'system', content: 'You are terse.' });
    const parts = messages.at(-1)!.content as Array<{ type: string; image_url?: { url: string } }>;
    expect(parts.find((p) => p.type === 'image_url')?.image_url?.url).toBe(`data:image/png;base64,${png.toString('base64')}`);

    // The remote's other vision model is listed, and a client naming it gets it forwarded.
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['Qwen/Qwen2.5-VL-7B-Instruct', 'llava-1.6', 'loupe-ocr']));
    expect(ids).not.toContain('text-embedding-3-small');
    const other = await client.chat.completions.create({ model: 'llava-1.6', messages: [{ role: 'user', content: 'hi' }] });
    expect(other.model).toBe('llava-1.6');
    expect(remote.requests.at(-1)!.body.model).toBe('llava-1.6');
  });

  it('the key is on no command line and in no log line', () => {
    expect(readFileSync(`/proc/${d.pid}/cmdline`, 'utf8')).not.toContain(GOOD_KEY);
    expect(d.logs()).not.toContain(GOOD_KEY);
    expect(d.logs()).not.toContain('sk-wrong');
  });
});
