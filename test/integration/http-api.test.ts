import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startDaemon, authFetch, type RunningDaemon } from '../helpers/daemon';
import { hostileFormats, textPng } from '../helpers/images';

/** HTTP API contract against the real daemon with the real OCR engine (ppocr); no VLM loaded. */
let d: RunningDaemon;
let png: Buffer;
const WORDS = 'Loupe reads 42 words';

beforeAll(async () => {
  [d, png] = await Promise.all([startDaemon(), textPng(WORDS, 200)]);
});
afterAll(async () => {
  await d?.stop();
});

function form(image: Buffer | undefined, fields: Record<string, string> = {}, name = 'image', type = 'image/png'): FormData {
  const f = new FormData();
  if (image) f.append(name, new Blob([new Uint8Array(image)], { type }), 'shot.png');
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
}

interface ApiError {
  error: { code: string; message: string; hint?: string };
}

const words = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

describe('status and models', () => {
  it('GET /v1/status lists the OCR engine with its readiness', async () => {
    const r = await authFetch(d, '/v1/status');
    expect(r.status).toBe(200);
    const status = (await r.json()) as { engines: Array<{ name: string; kind: string; state: string }>; queue: number; clients: number };
    expect(status.engines).toContainEqual(expect.objectContaining({ name: 'ppocr', kind: 'ocr' }));
    expect(status.queue, 'an idle daemon has nothing queued').toBe(0);
  });

  it('unknown routes and methods get JSON errors that name the fix', async () => {
    const r = await authFetch(d, '/v1/nope');
    expect(r.status).toBe(404);
    expect(((await r.json()) as ApiError).error.hint).toMatch(/\/v1\/ocr/);
    const m = await authFetch(d, '/v1/ocr');
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('POST');
  });
});

describe('POST /v1/ocr (real OCR engine)', () => {
  it('reads the text with line boxes in image pixels', async () => {
    const r = await authFetch(d, '/v1/ocr', { method: 'POST', body: form(png) });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { text: string; lines: Array<{ text: string; box: number[]; score: number }>; ms: number; engine: string };
    expect(Object.keys(body).sort()).toEqual(['blocks', 'engine', 'lines', 'ms', 'no_text', 'text']);
    expect(body.engine).toBe('ppocr');
    expect(words(body.text)).toContain('reads 42');
    expect(words(body.text)).toContain('42');
    expect(body.lines.length).toBeGreaterThan(0);
    for (const line of body.lines) {
      expect(line.box).toHaveLength(4);
      expect(line.box[2]!).toBeGreaterThan(line.box[0]!);
      expect(line.box[3]!).toBeGreaterThan(line.box[1]!);
      expect(line.score).toBeGreaterThan(0);
      expect(line.score).toBeLessThanOrEqual(1);
    }
    expect(body.ms).toBeGreaterThan(0);
  });

  it('refuses bad requests with 4xx JSON errors', async () => {
    const noImage = await authFetch(d, '/v1/ocr', { method: 'POST', body: form(undefined, { locale: 'en' }) });
    expect(noImage.status).toBe(400);
    expect(((await noImage.json()) as ApiError).error.hint).toMatch(/image/);

    const wrongField = await authFetch(d, '/v1/ocr', { method: 'POST', body: form(png, {}, 'upload') });
    expect(wrongField.status).toBe(400);
    // `file` is what FastAPI-style clients send: accepted like `image`.
    expect((await authFetch(d, '/v1/ocr', { method: 'POST', body: form(png, {}, 'file') })).status).toBe(200);

    const json = await authFetch(d, '/v1/ocr', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(json.status).toBe(415);
    expect(((await json.json()) as ApiError).error.hint).toMatch(/multipart/);

    const badLocale = await authFetch(d, '/v1/ocr', { method: 'POST', body: form(png, { locale: 'xx' }) });
    expect(badLocale.status).toBe(400);

    const { gif } = await hostileFormats();
    const g = await authFetch(d, '/v1/ocr', { method: 'POST', body: form(gif!, {}, 'image', 'image/gif') });
    expect(g.status).toBe(415);
    expect(((await g.json()) as ApiError).error.code).toBe('unsupported_image');

    const huge = Buffer.alloc(33 * 1024 * 1024, 1);
    const h = await authFetch(d, '/v1/ocr', { method: 'POST', body: form(huge) });
    expect(h.status).toBe(413);
    expect(((await h.json()) as ApiError).error.code).toBe('image_too_large');
  });
});

describe('POST /v1/describe and /describe-image/ without a VLM', () => {
  it('answer 503 engine_unavailable with the command that fixes it', async () => {
    const r = await authFetch(d, '/v1/describe', { method: 'POST', body: form(png, { prompt: 'what is this?' }) });
    expect(r.status).toBe(503);
    const body = (await r.json()) as ApiError;
    expect(body.error.code).toBe('engine_unavailable');
    expect(body.error.hint).toMatch(/loupe (models pull|start --model)/);
    // The FastAPI-style route answers as FastAPI does: {"detail": "…"} with the fix in it.
    const fastapi = await authFetch(d, '/describe-image/', { method: 'POST', body: form(png, { prompt: 'what is this?' }) });
    expect(fastapi.status).toBe(503);
    expect(((await fastapi.json()) as { detail: string }).detail).toMatch(/loupe (models pull|start --model)/);
  });

  it('still require the token (401 {"detail"} on /describe-image/)', async () => {
    const r = await fetch(`${d.url}/describe-image/`, { method: 'POST', body: form(png) });
    expect(r.status).toBe(401);
    expect(((await r.json()) as { detail: string }).detail).toMatch(/token/);
  });
});

describe('OpenAI-compatible /v1/chat/completions (official openai client)', () => {
  const client = (): OpenAI => new OpenAI({ baseURL: `${d.url}/v1`, apiKey: d.token, maxRetries: 0 });
  const imagePart = (): OpenAI.Chat.Completions.ChatCompletionContentPart => ({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } });

  it('lists models including the OCR engine', async () => {
    const ids = [];
    for await (const m of client().models.list()) ids.push(m.id);
    expect(ids).toContain('loupe-ocr');
  });

  it('answers a non-streaming request with a chat.completion object (OCR model)', async () => {
    const completion = await client().chat.completions.create({ model: 'loupe-ocr', messages: [{ role: 'user', content: [imagePart()] }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices[0]?.message.role).toBe('assistant');
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(words(completion.choices[0]?.message.content ?? '')).toContain('reads 42');
  });

  it('streams chunks whose concatenation is the answer (stream: true, SSE)', async () => {
    const stream = await client().chat.completions.create({ model: 'loupe-ocr', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: [imagePart()] }] });
    let text = '';
    let finish: string | null | undefined;
    let chunks = 0;
    let usage = false;
    for await (const chunk of stream) {
      chunks++;
      expect(chunk.object).toBe('chat.completion.chunk');
      if (chunk.usage) usage = true;
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(chunks).toBeGreaterThanOrEqual(2);
    expect(finish).toBe('stop');
    expect(usage).toBe(true);
    expect(words(text)).toContain('reads 42');
  });

  it('maps failures to APIError with status and message (no VLM → 503)', async () => {
    const err = await client()
      .chat.completions.create({ model: 'loupe', messages: [{ role: 'user', content: [{ type: 'text', text: 'describe' }, imagePart()] }] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err).toMatchObject({ status: 503, type: 'server_error', code: 'engine_unavailable' });
    expect((err as Error).message).toMatch(/vision.*loupe models pull/);

    const streamErr = await client()
      .chat.completions.create({ model: 'loupe', stream: true, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e);
    expect((streamErr as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });

  it('refuses remote image URLs and malformed bodies with 400', async () => {
    const remote = await client()
      .chat.completions.create({ model: 'loupe-ocr', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://169.254.169.254/latest' } }] }] })
      .catch((e: unknown) => e);
    expect((remote as InstanceType<typeof OpenAI.APIError>).status).toBe(400);
    expect((remote as Error).message).toMatch(/data:/);
    for (const body of ['{', '{"messages":[]}', '{"messages":[{"role":"robot","content":"x"}]}', '{"messages":[{"role":"assistant","content":"x"}]}']) {
      const r = await authFetch(d, '/v1/chat/completions', { method: 'POST', body, headers: { 'content-type': 'application/json' } });
      expect(r.status, body).toBe(400);
      expect(((await r.json()) as ApiError).error.message.length).toBeGreaterThan(0);
    }
  });
});
