import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { authFetch, type RunningDaemon } from '../helpers/daemon';
import { imageForm } from '../helpers/image-form';
import { standInDaemon } from '../helpers/standin-daemon';
import { loupe } from '../helpers/cli';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The VLM side of the HTTP API, answered by the stand-in Qwen-VL model through the real engine. */
let d: RunningDaemon;
let png: Buffer;
const daemon = standInDaemon({ text: 'A chart' });
beforeAll(async () => ({ d, png } = await daemon.start()));
afterAll(() => daemon.stop());

const form = (fields: Record<string, string> = {}): FormData => imageForm(png, fields);

describe('describe endpoints with a VLM loaded', () => {
  it('POST /v1/describe and /describe-image/ answer {description, inference_time, model, stats}', async () => {
    for (const path of ['/v1/describe', '/describe-image/']) {
      const r = await authFetch(d, path, { method: 'POST', body: form({ prompt: 'What is shown?', locale: 'zh-CN' }) });
      expect(r.status, path).toBe(200);
      const body = (await r.json()) as { description: string; inference_time: number; model: string; stats: { totalMs: number }; stand_in: boolean };
      expect(body.description.length, 'the stand-in writes some (noise) text').toBeGreaterThan(0);
      expect(body.model).toBe('stand-in');
      expect(body.stand_in).toBe(true);
      expect(body.inference_time).toBeGreaterThan(0);
      expect(body.inference_time).toBeCloseTo(body.stats.totalMs / 1000, 2);
    }
  });

  it('a folder client that POSTs each image as `file` (FastAPI UploadFile shape) with only the token header', async () => {
    const f = new FormData();
    f.append('file', new Blob([new Uint8Array(png)], { type: 'image/png' }), 'shot.png');
    // Exactly what the README tells such a client to add: one Authorization header.
    const r = await fetch(`${d.url}/describe-image/`, { method: 'POST', body: f, headers: { Authorization: `Bearer ${d.token}` } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { description: string; finish_reason: string };
    expect(typeof body.description).toBe('string');
    expect(['stop', 'length', 'repetition']).toContain(body.finish_reason);
    // Its errors are FastAPI's {"detail": …} with the right status.
    const none = new FormData();
    none.append('prompt', 'x');
    const bad = await fetch(`${d.url}/describe-image/`, { method: 'POST', body: none, headers: { Authorization: `Bearer ${d.token}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { detail: string }).detail).toMatch(/`file`/);
    const notImage = new FormData();
    notImage.append('file', new Blob([new Uint8Array(Buffer.from('BM not really a bitmap'))], { type: 'image/bmp' }), 'a.bmp');
    const unsupported = await fetch(`${d.url}/describe-image/`, { method: 'POST', body: notImage, headers: { Authorization: `Bearer ${d.token}` } });
    expect(unsupported.status).toBe(415);
    expect(((await unsupported.json()) as { detail: string }).detail.length).toBeGreaterThan(0);
  });

  it('GET /v1/models lists the VLM next to the OCR engine', async () => {
    const r = await authFetch(d, '/v1/models');
    const list = (await r.json()) as { object: string; data: Array<{ id: string; loupe?: { kind: string } }> };
    expect(list.object).toBe('list');
    expect(list.data.some((m) => m.loupe?.kind === 'vlm')).toBe(true);
    expect(list.data.map((m) => m.id)).toContain('loupe-ocr');
  });
});

describe('OpenAI client against the VLM', () => {
  const client = (): OpenAI => new OpenAI({ baseURL: `${d.url}/v1`, apiKey: d.token, maxRetries: 0 });
  const image = (): OpenAI.Chat.Completions.ChatCompletionContentPart => ({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } });

  it('answers a multi-turn request with an image (non-streaming)', async () => {
    const completion = await client().chat.completions.create({
      model: 'loupe-standin',
      max_tokens: 16,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'What is this?' }, image()] },
        { role: 'assistant', content: 'A chart.' },
        { role: 'user', content: 'What colour?' },
      ],
    });
    expect(completion.object).toBe('chat.completion');
    expect(['stop', 'length']).toContain(completion.choices[0]?.finish_reason);
    expect(typeof completion.choices[0]?.message.content).toBe('string');
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it('streams an answer whose chunks add up to the non-streamed shape', async () => {
    const stream = await client().chat.completions.create({ model: 'loupe-standin', stream: true, max_tokens: 16, messages: [{ role: 'user', content: [image()] }] });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const last = chunks.at(-1);
    expect(['stop', 'length']).toContain(last?.choices[0]?.finish_reason);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });
});

describe('loupe describe --json through the daemon', () => {
  it('labels the stand-in model and reports device and stats', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-cli-vlm-'));
    try {
      const file = join(dir, 'chart.png');
      writeFileSync(file, png);
      const r = await loupe(['describe', file, '--json'], { LOUPE_HOME: d.home });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { description: string; model: string; device: string; stats: { totalMs: number } };
      expect(out.model).toBe('stand-in');
      expect(out.device).toBe('cpu');
      expect(typeof out.description).toBe('string');
      expect(out.stats.totalMs).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
