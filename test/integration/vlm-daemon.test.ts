import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { imageForm } from '../helpers/image-form';
import type { Done, ServerStatus } from '@loupe/shared';
import { authFetch, startDaemon, type RunningDaemon } from '../helpers/daemon';
import { noiseImage } from '../helpers/images';
import { standInModel } from '../helpers/standin';
import { LoupeClient } from '../helpers/ws-client';

/** The real daemon with the qwen-vl engine on a stand-in model (CPU): HTTP and WebSocket. */
let d: RunningDaemon;
let model: { dir: string; cleanup(): void };
let image: Buffer;

beforeAll(async () => {
  // EOS once prompt + answer reach 250 tokens: answers are ~100 tokens, long enough to cancel mid-decode.
  model = await standInModel({ family: 'qwen2_5_vl', eosAfter: 250 });
  [d, image] = await Promise.all([startDaemon({ args: ['--model', model.dir, '--device', 'auto'] }), noiseImage(320, 240, 'png')]);
  // the VLM host loads in the background: wait until it is ready
  for (let i = 0; i < 240; i++) {
    const status = (await (await authFetch(d, '/v1/status')).json()) as ServerStatus;
    const vlm = status.engines.find((e) => e.kind === 'vlm');
    if (vlm?.state === 'ready') break;
    if (vlm?.state === 'error') throw new Error(`VLM failed to load: ${vlm.note}`);
    await new Promise((r) => setTimeout(r, 500));
  }
});
afterAll(async () => {
  await d?.stop();
  model?.cleanup();
});

describe('daemon with the qwen-vl engine on a stand-in', () => {
  it('status shows the VLM ready, labelled a stand-in, with the CPU fallback reason', async () => {
    const status = (await (await authFetch(d, '/v1/status')).json()) as ServerStatus;
    const vlm = status.engines.find((e) => e.kind === 'vlm');
    expect(vlm).toMatchObject({ name: 'qwen-vl', state: 'ready', model: { standIn: true, device: 'cpu' } });
    expect(vlm?.model?.id).toContain('test stand-in — output is noise');
    expect(`${vlm?.note ?? ''} ${vlm?.model?.note ?? ''}`).toMatch(/CUDA|cuda/);
    // auto says why it moved past each GPU: CUDA, then WebGPU (here: no Vulkan adapter)
    expect(vlm?.model?.fallbackReason).toMatch(/^CUDA: .*; WebGPU: .*\(fix: /);
  });

  it('POST /v1/describe answers with the stand-in label and stats', async () => {
    const r = await authFetch(d, '/v1/describe', { method: 'POST', body: imageForm(image, { locale: 'zh-CN' }) });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { description: string; inference_time: number; model: unknown; stats: Record<string, unknown> };
    expect(typeof body.description).toBe('string');
    expect(body.description.length).toBeGreaterThan(0);
    expect(JSON.stringify(body.model)).toContain('stand-in');
    expect(body.stats).toMatchObject({ device: 'cpu', dtype: 'fp32' });
    expect(body.stats.visualTokens).toBeGreaterThan(0);
    expect(body.stats.decodeTokens).toBeGreaterThan(0);
  });

  it('a WebSocket job streams deltas then exactly one done; another is cancelled mid-decode', async () => {
    const client = await LoupeClient.connect(d.port, { token: d.token });
    try {
      client.submit({ id: 'vlm-1', task: 'describe', locale: 'en', maxTokens: 16 }, [new Uint8Array(image)]);
      const done = (await client.terminal('vlm-1')) as Done;
      expect(done.type).toBe('done');
      const mine = client.messages.filter((m) => 'id' in m && m.id === 'vlm-1');
      const types = mine.map((m) => m.type);
      expect(types.filter((t) => t === 'done')).toHaveLength(1);
      expect(types.at(-1)).toBe('done');
      expect(types).toContain('started');
      const deltas = mine.flatMap((m) => (m.type === 'delta' ? [m.text] : []));
      expect(deltas.length).toBeGreaterThan(0);
      expect(deltas.join('')).toBe(done.text);
      expect(done.model.standIn).toBe(true);
      expect(done.finishReason).toBe('length');
      expect(done.stats.decodeTokens).toBe(16);

      client.submit({ id: 'vlm-2', task: 'ocr', engine: 'vlm', locale: 'en', maxTokens: 4000 }, [new Uint8Array(image)]);
      await client.waitFor((m) => m.type === 'delta' && m.id === 'vlm-2');
      client.cancel('vlm-2');
      const end = await client.terminal('vlm-2');
      expect(end.type).toBe('cancelled');
    } finally {
      client.socket.close();
    }
  });
});
