import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageForm } from '../helpers/image-form';
import type { Done, ServerStatus } from '@loupe/shared';
import { authFetch, startDaemon, type RunningDaemon } from '../helpers/daemon';
import { noiseImage } from '../helpers/images';
import { standInModel } from '../helpers/standin';
import { LoupeClient } from '../helpers/ws-client';

/**
 * The remote VLM backend against a real OpenAI-compatible server: a second Loupe companion
 * (daemon A, stand-in model) serves /v1/chat/completions; daemon B runs
 * `--backend openai --base-url http://127.0.0.1:A/v1` with A's token in LOUPE_BACKEND_API_KEY and the
 * extension-facing APIs of B work unchanged on top of it.
 */
let a: RunningDaemon;
let b: RunningDaemon;
let model: { dir: string; cleanup(): void };
let image: Buffer;

async function vlmReady(d: RunningDaemon): Promise<ServerStatus['engines'][number]> {
  for (let i = 0; i < 240; i++) {
    const status = (await (await authFetch(d, '/v1/status')).json()) as ServerStatus;
    const vlm = status.engines.find((e) => e.kind === 'vlm');
    if (vlm?.state === 'ready') return vlm;
    if (vlm?.state === 'error') throw new Error(`VLM failed to load: ${vlm.note}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('VLM never became ready');
}

beforeAll(async () => {
  // EOS once prompt + answer reach 250 tokens: answers are ~100 tokens, long enough to cancel mid-decode.
  model = await standInModel({ family: 'qwen2_5_vl', eosAfter: 250 });
  [a, image] = await Promise.all([startDaemon({ args: ['--model', model.dir, '--device', 'cpu'] }), noiseImage(300, 200, 'jpeg')]);
  await vlmReady(a);
  b = await startDaemon({ args: ['--backend', 'openai', '--base-url', `${a.url}/v1`], env: { LOUPE_BACKEND_API_KEY: a.token } });
  await vlmReady(b);
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
  model?.cleanup();
});

describe('openai-remote backend on top of another Loupe', () => {
  it('B reports the remote model (A stand-in, labelled) on a remote device', async () => {
    const vlm = await vlmReady(b);
    expect(vlm.name).toBe('openai-remote');
    expect(vlm.model?.id).toBe('loupe-standin');
    expect(vlm.model?.standIn).toBe(true);
    expect(vlm.model?.device).toBe(`remote 127.0.0.1:${a.port}`);
  });

  it('POST /v1/describe on B is answered by A', async () => {
    const r = await authFetch(b, '/v1/describe', { method: 'POST', body: imageForm(image, { prompt: 'Say something short.' }, 'image/jpeg') });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { description: string; stats: Record<string, unknown> };
    expect(body.description.length).toBeGreaterThan(0);
    expect(body.stats.device).toBe(`remote 127.0.0.1:${a.port}`);
    expect(body.stats.decodeTokens).toBeGreaterThan(0);
  });

  it('WS on B streams deltas then one done; ground returns boxes; cancel aborts the remote request', async () => {
    const client = await LoupeClient.connect(b.port, { token: b.token });
    try {
      client.submit({ id: 'r-1', task: 'ask', prompt: 'What is here?', locale: 'en', maxTokens: 12 }, [new Uint8Array(image)]);
      const done = (await client.terminal('r-1')) as Done;
      expect(done.type).toBe('done');
      const mine = client.messages.filter((m) => 'id' in m && m.id === 'r-1');
      expect(mine.filter((m) => m.type === 'done')).toHaveLength(1);
      expect(mine.at(-1)?.type).toBe('done');
      const deltas = mine.flatMap((m) => (m.type === 'delta' ? [m.text] : []));
      expect(deltas.length).toBeGreaterThan(0);
      expect(deltas.join('')).toBe(done.text);
      expect(done.finishReason).toBe('length');

      client.submit({ id: 'r-2', task: 'ground', prompt: 'the noise', locale: 'zh-CN', maxTokens: 8 }, [new Uint8Array(image)]);
      const grounded = (await client.terminal('r-2')) as Done;
      expect(grounded.type).toBe('done');
      expect(Array.isArray(grounded.boxes)).toBe(true);

      client.submit({ id: 'r-3', task: 'ocr', engine: 'vlm', locale: 'en', maxTokens: 4000 }, [new Uint8Array(image)]);
      await client.waitFor((m) => m.type === 'delta' && m.id === 'r-3');
      client.cancel('r-3');
      expect((await client.terminal('r-3')).type).toBe('cancelled');
      // A stops too: the aborted HTTP request cancels its job, so A serves the next one.
      client.submit({ id: 'r-4', task: 'describe', locale: 'en', maxTokens: 4 }, [new Uint8Array(image)]);
      const next = (await client.terminal('r-4')) as Done;
      expect(next.type).toBe('done');
      expect(next.stats.decodeTokens).toBeGreaterThan(0);
    } finally {
      client.socket.close();
    }
  });
});
