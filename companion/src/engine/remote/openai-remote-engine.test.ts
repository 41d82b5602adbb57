import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineJob } from '../engine';
import { OpenAiRemoteEngine } from './openai-remote-engine';
import { startFakeOpenAi, unusedPort, type FakeOpenAi, type SseReply } from './testing/fake-openai';

/**
 * The remote backend against a minimal OpenAI-format SSE server on loopback (real sockets):
 * finish reasons, the repetition guard, cancel closing the request, what is sent.
 * (test/integration/vlm-remote.test.ts runs it against a real second Loupe companion.)
 */
type Mode = 'stop' | 'length' | 'loop' | 'slow';
let remote: FakeOpenAi;
let baseUrl: string;

/** The prompt picks the answer: `MODE:stop` (default) / `length` finish at once; `loop` repeats a line, `slow` streams until cancelled. */
async function reply(body: Record<string, unknown>, sse: SseReply): Promise<void> {
  const mode = (JSON.stringify(body.messages).match(/MODE:(\w+)/)?.[1] ?? 'stop') as Mode;
  if (mode === 'stop' || mode === 'length') {
    for (const piece of ['Hello', ', ', 'world', '.']) sse.chunk({ content: piece });
    sse.chunk({}, mode);
    sse.usage({ prompt_tokens: 50, completion_tokens: 4, total_tokens: 54 });
    return sse.end();
  }
  for (let i = 0; i < 5000 && !sse.closed; i++) {
    sse.chunk({ content: mode === 'loop' ? 'the same line again\n' : `token${i} ` });
    await new Promise((r) => setTimeout(r, mode === 'slow' ? 20 : 1));
  }
  if (!sse.closed) sse.end();
}

beforeAll(async () => {
  remote = await startFakeOpenAi({
    models: { '/v1': ['ocr-thing', 'qwen2.5-vl-test', 'llava-other'], '/embed/v1': ['text-embedding-3-small', 'llama3'] },
    // A remote under /auth/ refuses every key.
    accepts: (_auth, url) => !url.startsWith('/auth/'),
    reply,
  });
  baseUrl = remote.baseUrl;
});
afterAll(() => remote.close());

async function png(): Promise<Uint8Array> {
  return sharp({ create: { width: 500, height: 300, channels: 3, background: '#aabbcc' } }).png().toBuffer();
}
const job = (over: Partial<EngineJob>): EngineJob => ({ id: 'r', task: 'ask', images: [], locale: 'en', history: [], ...over });

async function run(engine: OpenAiRemoteEngine, j: EngineJob, signal = new AbortController().signal): Promise<EngineEvent[]> {
  const out: EngineEvent[] = [];
  for await (const e of engine.run(j, signal)) out.push(e);
  return out;
}

describe('openai-remote engine (loopback SSE server)', () => {
  it('picks the served vision model, sends images as data URIs with the bearer key, streams then one result', async () => {
    const engine = new OpenAiRemoteEngine({ home: '/tmp', device: 'auto', backend: { kind: 'openai', baseUrl, apiKey: 'k-123' } });
    const info = await engine.load();
    expect(info).toMatchObject({ id: 'qwen2.5-vl-test', engine: 'openai-remote', standIn: false });
    const events = await run(engine, job({ prompt: 'MODE:stop what?', images: [await png(), await png()], maxTokens: 77 }));
    expect(events.map((e) => e.type)).toEqual(['delta', 'delta', 'delta', 'delta', 'result']);
    const result = events.at(-1) as Extract<EngineEvent, { type: 'result' }>;
    expect(result).toMatchObject({ text: 'Hello, world.', finishReason: 'stop', stats: { decodeTokens: 4 } });
    const sent = remote.requests.at(-1)!;
    expect(sent.auth).toBe('Bearer k-123');
    expect(sent.body).toMatchObject({ model: 'qwen2.5-vl-test', stream: true, max_tokens: 77 });
    const content = (sent.body.messages as Array<{ content: Array<{ type: string; image_url?: { url: string } }> }>).at(-1)!.content;
    expect(content.filter((p) => p.type === 'image_url')).toHaveLength(2);
    // The original PNG, byte for byte: no re-encode of an image that fits the budget.
    expect(content[0]!.image_url!.url).toBe(`data:image/png;base64,${Buffer.from(await png()).toString('base64')}`);
    expect(result.stats.promptTokens).toBe(50);
    // The other served vision model is offered; a job naming it is sent with that name.
    expect(info.served).toEqual(['llava-other']);
    await run(engine, job({ prompt: 'MODE:stop', model: 'llava-other' }));
    expect(remote.requests.at(-1)!.body.model).toBe('llava-other');
    await run(engine, job({ prompt: 'MODE:stop', model: 'not-served' }));
    expect(remote.requests.at(-1)!.body.model).toBe('qwen2.5-vl-test');
  });

  it('forwards the system message, temperature, top_p, top_k, seed and stop; greedy by default', async () => {
    const engine = new OpenAiRemoteEngine({ home: '/tmp', device: 'auto', backend: { kind: 'openai', baseUrl, model: 'qwen2.5-vl-test' } });
    await engine.load();
    expect(engine.capabilities().systemPrompt).toBe(true);
    await run(engine, job({ prompt: 'MODE:stop hi', system: 'Answer in haiku.', sampling: { temperature: 0.8, topP: 0.9, topK: 20, seed: 5, stop: ['END'] } }));
    const sent = remote.requests.at(-1)!.body;
    expect(sent).toMatchObject({ temperature: 0.8, top_p: 0.9, top_k: 20, seed: 5, stop: ['END'] });
    expect((sent.messages as Array<{ role: string; content: unknown }>)[0]).toEqual({ role: 'system', content: 'Answer in haiku.' });
    await run(engine, job({ prompt: 'MODE:stop hi' }));
    expect(remote.requests.at(-1)!.body).toMatchObject({ temperature: 0 });
    expect(remote.requests.at(-1)!.body).not.toHaveProperty('top_p');
  });

  it('a JPEG that must shrink is re-encoded as JPEG, a PNG as PNG (never PNG → JPEG)', async () => {
    const engine = new OpenAiRemoteEngine({ home: '/tmp', device: 'auto', backend: { kind: 'openai', baseUrl, model: 'qwen2.5-vl-test' } });
    await engine.load();
    const big = sharp({ create: { width: 1400, height: 1000, channels: 3, background: '#336699' } });
    for (const [file, mime] of [[await big.clone().png().toBuffer(), 'png'], [await big.clone().jpeg().toBuffer(), 'jpeg']] as const) {
      await run(engine, job({ task: 'describe', prompt: 'MODE:stop', images: [new Uint8Array(file)] }));
      const content = (remote.requests.at(-1)!.body.messages as Array<{ content: Array<{ type: string; image_url?: { url: string } }> }>).at(-1)!.content;
      expect(content.find((p) => p.type === 'image_url')!.image_url!.url.startsWith(`data:image/${mime};base64,`)).toBe(true);
    }
  });

  it('refuses to guess when no served model looks like a vision model, listing them; a refused key says so', async () => {
    const embed = new OpenAiRemoteEngine({ home: '/tmp', device: 'auto', backend: { kind: 'openai', baseUrl: baseUrl.replace(/\/v1$/, '/embed/v1') } });
    await expect(embed.load()).rejects.toMatchObject({ code: 'engine_unavailable', retryable: true, message: expect.stringMatching(/looks like a vision model.*text-embedding-3-small, llama3/), hint: expect.stringContaining('--model') });
    const auth = new OpenAiRemoteEngine({ home: '/nonexistent-home', device: 'auto', backend: { kind: 'openai', baseUrl: baseUrl.replace(/\/v1$/, '/auth/v1') } });
    const saved = { a: process.env.LOUPE_BACKEND_API_KEY, b: process.env.OPENAI_API_KEY };
    delete process.env.LOUPE_BACKEND_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      await expect(auth.load()).rejects.toMatchObject({ message: expect.stringContaining('needs an API key (HTTP 401) and none is set'), hint: expect.stringContaining('LOUPE_BACKEND_API_KEY') });
      process.env.LOUPE_BACKEND_API_KEY = 'wrong';
      await expect(auth.load()).rejects.toMatchObject({ message: expect.stringContaining('refused the API key from LOUPE_BACKEND_API_KEY (HTTP 401)') });
    } finally {
      for (const [k, v] of [['LOUPE_BACKEND_API_KEY', saved.a], ['OPENAI_API_KEY', saved.b]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('maps finish_reason length, and the repetition guard stops a looping stream', async () => {
    const engine = new OpenAiRemoteEngine({ home: '/tmp', device: 'auto', backend: { kind: 'openai', baseUrl, model: 'qwen2.5-vl-test' } });
    await engine.load();
    const length = await run(engine, job({ prompt: 'MODE:length' }));
    expect((length.at(-1) as { finishReason: string }).finishReason).toBe('length');
    const before = remote.closedEarly;
    const loop = await run(engine, job({ task: 'ocr', prompt: 'MODE:loop', images: [await png()] }));
    const result = loop.at(-1) as Extract<EngineEvent, { type: 'result' }>;
    expect(result.finishReason).toBe('repetition');
    expect(result.text.length).toBeLessThan(5000 * 20);
    await expect.poll(() => remote.closedEarly).toBeGreaterThan(before);
  });

  it('cancel aborts the HTTP request', async () => {
    const engine = new OpenAiRemoteEngine({ home: '/tmp', device: 'auto', backend: { kind: 'openai', baseUrl, model: 'qwen2.5-vl-test' } });
    await engine.load();
    const before = remote.closedEarly;
    const controller = new AbortController();
    let deltas = 0;
    const running = (async () => {
      for await (const e of engine.run(job({ prompt: 'MODE:slow' }), controller.signal)) {
        if (e.type === 'delta' && ++deltas === 3) controller.abort();
      }
    })();
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => remote.closedEarly).toBeGreaterThan(before);
  });

  it('grounding maps boxes from the image it sent back to original pixels', async () => {
    const engine = new OpenAiRemoteEngine({ home: '/tmp', device: 'auto', backend: { kind: 'openai', baseUrl, model: 'qwen2.5-vl-test' } });
    await engine.load();
    // the fake server answers "Hello, world." — no boxes, but the parse path runs
    const events = await run(engine, job({ task: 'ground', prompt: 'MODE:stop', images: [await png()] }));
    expect((events.at(-1) as { boxes?: unknown[] }).boxes).toEqual([]);
  });

  it('an unreachable server is a clear engine_unavailable error', async () => {
    const port = await unusedPort();
    const engine = new OpenAiRemoteEngine({ home: '/tmp', device: 'auto', backend: { kind: 'openai', baseUrl: `http://127.0.0.1:${port}/v1` } });
    await expect(engine.load()).rejects.toMatchObject({ code: 'engine_unavailable', retryable: true, message: `the remote model server at http://127.0.0.1:${port}/v1 is not answering (ECONNREFUSED)` });
  });
});
