import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ollama } from 'ollama';
import { authFetch, type RunningDaemon } from '../helpers/daemon';
import { crashMidStream, rejection, standInDaemon } from '../helpers/standin-daemon';

/**
 * The official `ollama` npm client against the real daemon (stand-in model: noise output,
 * so shapes and parameters are checked, never answer quality). The token travels the way
 * ollama-js lets a tool add it: `new Ollama({ host, headers: { Authorization: 'Bearer …' } })`.
 */
let d: RunningDaemon;
let png: Buffer;
const daemon = standInDaemon({ text: 'A chart', model: { eosAfter: 400 }, waitReady: true });
beforeAll(async () => ({ d, png } = await daemon.start()));
afterAll(() => daemon.stop());

const ollama = (headers: Record<string, string> = { Authorization: `Bearer ${d.token}` }): Ollama => new Ollama({ host: d.url, headers });

const failure = (p: Promise<unknown>) => rejection(p, Error) as Promise<Error & { status_code?: number }>;

describe('Ollama routes with the ollama client', () => {
  it('version, list (tags) and show', async () => {
    expect((await ollama().version()).version).toMatch(/^\d+\.\d+\.\d+$/);
    const names = (await ollama().list()).models.map((m) => m.name);
    expect(names).toEqual(expect.arrayContaining(['loupe-standin', 'loupe-ocr']));
    const shown = await ollama().show({ model: 'loupe-standin:latest' });
    expect(shown.capabilities).toEqual(expect.arrayContaining(['completion', 'vision']));
    const missing = await failure(ollama().show({ model: 'llava' }));
    expect(missing.status_code).toBe(404);
    expect(missing.message).toMatch(/not found/);
  });

  it('chat with base64 images, not streamed: one answer with Ollama counters; num_predict honoured', async () => {
    const r = await ollama().chat({ model: 'loupe-standin', stream: false, options: { num_predict: 3, temperature: 0 }, messages: [{ role: 'user', content: 'What is this?', images: [png.toString('base64')] }] });
    expect(r).toMatchObject({ model: 'loupe-standin', done: true, done_reason: 'length', eval_count: 3, message: { role: 'assistant' } });
    expect(r.prompt_eval_count).toBeGreaterThan(0);
    expect(r.total_duration).toBeGreaterThan(0);
  });

  it('chat streamed as NDJSON: parts then one done; text-only and an image in an earlier message', async () => {
    const stream = await ollama().chat({
      model: 'loupe-standin',
      stream: true,
      options: { num_predict: 4 },
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'What is this?', images: [new Uint8Array(png)] },
        { role: 'assistant', content: 'A chart.' },
        { role: 'user', content: 'What colour?' },
      ],
    });
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts.filter((p) => p.done)).toHaveLength(1);
    expect(parts.at(-1)).toMatchObject({ done: true, eval_count: 4 });
    expect(parts.slice(0, -1).every((p) => p.done === false && typeof p.message.content === 'string')).toBe(true);
    const text = await ollama().chat({ model: 'loupe-standin', stream: false, options: { num_predict: 2 }, messages: [{ role: 'user', content: 'Say hi.' }] });
    expect(text.done).toBe(true);
  });

  it('generate with images, streamed and not; an empty prompt only "loads" the model', async () => {
    const one = await ollama().generate({ model: 'loupe-standin', prompt: 'Describe.', system: 'Be brief.', images: [png.toString('base64')], stream: false, options: { num_predict: 3 } });
    expect(one).toMatchObject({ done: true, eval_count: 3 });
    expect(typeof one.response).toBe('string');
    let text = '';
    let last;
    for await (const part of await ollama().generate({ model: 'loupe-standin', prompt: 'Describe.', images: [png.toString('base64')], stream: true, options: { num_predict: 3 } })) {
      text += part.response;
      last = part;
    }
    expect(last).toMatchObject({ done: true, eval_count: 3 });
    expect(text.length).toBeGreaterThan(0);
    expect(await ollama().generate({ model: 'loupe-standin', prompt: '', stream: false })).toMatchObject({ done: true, done_reason: 'load' });
  });

  it('loupe-ocr reads the image through the OCR engine', async () => {
    const r = await ollama().chat({ model: 'loupe-ocr', stream: false, messages: [{ role: 'user', content: '', images: [png.toString('base64')] }] });
    expect(r.message.content.replace(/\s+/g, ' ')).toContain('chart');
  });
});

describe('Ollama error rows: a string message (not [object Object]) and the right status', () => {
  it('no token → 401; a foreign Origin → 403; both name the fix', async () => {
    const e401 = await failure(ollama({}).list());
    expect(e401.status_code).toBe(401);
    expect(e401.message).toMatch(/token/);
    const e403 = await failure(ollama({ Authorization: `Bearer ${d.token}`, Origin: 'https://evil.test' }).list());
    expect(e403.status_code).toBe(403);
    expect(e403.message).not.toContain('[object Object]');
  });

  it('unknown model 404, format/tools 400 naming the field, bad options 400', async () => {
    expect((await failure(ollama().chat({ model: 'llava', messages: [{ role: 'user', content: 'x' }] }))).status_code).toBe(404);
    const format = await failure(ollama().generate({ model: 'loupe-standin', prompt: 'x', format: 'json' }));
    expect(format.status_code).toBe(400);
    expect(format.message).toMatch(/format/);
    const tools = await failure(ollama().chat({ model: 'loupe-standin', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', description: '', parameters: { type: 'object', properties: {} } } }] }));
    expect(tools.message).toMatch(/tool/);
    const temp = await failure(ollama().chat({ model: 'loupe-standin', messages: [{ role: 'user', content: 'x' }], options: { temperature: 9 } }));
    expect(temp.status_code).toBe(400);
    expect(temp.message).toMatch(/options\.temperature/);
    const raw = await authFetch(d, '/api/chat', { method: 'POST', body: '{' });
    expect(raw.status).toBe(400);
    expect(typeof ((await raw.json()) as { error: unknown }).error).toBe('string');
  });

  it('an error after the stream started is an {"error"} line that ollama-js throws', async () => {
    const stream = await ollama().chat({ model: 'loupe-standin', stream: true, options: { num_predict: 4000 }, messages: [{ role: 'user', content: 'Tell a long story.' }] });
    const { parts, error } = await crashMidStream(d, stream);
    expect(parts).toBeGreaterThanOrEqual(2);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/engine/);
  });
});
