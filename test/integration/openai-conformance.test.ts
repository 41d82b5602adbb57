import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import type { RunningDaemon } from '../helpers/daemon';
import { crashMidStream, rejection, standInDaemon } from '../helpers/standin-daemon';

/**
 * The official `openai` npm client against the real daemon (stand-in Qwen-VL model: its
 * output is noise, so these tests check the API's shape and parameters, never answer quality):
 * every supported parameter and every error row of issue 16.
 */
let d: RunningDaemon;
let png: Buffer;
// EOS after 400 tokens: text-only answers run long enough to hit max_tokens and to be interrupted.
const daemon = standInDaemon({ text: 'A chart', model: { eosAfter: 400 }, waitReady: true });
beforeAll(async () => ({ d, png } = await daemon.start()));
afterAll(() => daemon.stop());

const client = (apiKey = d.token, headers: Record<string, string> = {}): OpenAI => new OpenAI({ baseURL: `${d.url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });
const image = (): OpenAI.Chat.Completions.ChatCompletionContentPart => ({ type: 'image_url', image_url: { url: `data:image/png;base64,${png.toString('base64')}` } });
type Params = OpenAI.Chat.Completions.ChatCompletionCreateParamsNonStreaming;
const ask = (over: Partial<Params> = {}): Params => ({ model: 'loupe-standin', max_tokens: 4, messages: [{ role: 'user', content: [{ type: 'text', text: 'What is this?' }, image()] }], ...over });

/** Loupe's own extra field on a completion: the job's stats. */
const loupeStats = (c: object): { visualTokens?: number; images?: number } => (c as { loupe: { stats: { visualTokens?: number; images?: number } } }).loupe.stats;

const apiError = (p: Promise<unknown>) => rejection(p, OpenAI.APIError);

describe('models: stable ids', () => {
  it('lists loupe-standin and loupe-ocr; retrieve(id) answers each; an unknown id is 404 model_not_found', async () => {
    const ids: string[] = [];
    for await (const m of client().models.list()) ids.push(m.id);
    expect(ids).toEqual(expect.arrayContaining(['loupe-standin', 'loupe-ocr']));
    for (const id of ['loupe-standin', 'loupe-ocr']) expect((await client().models.retrieve(id)).id).toBe(id);
    const e = await apiError(client().models.retrieve('gpt-4o'));
    expect(e).toBeInstanceOf(OpenAI.NotFoundError);
    expect(e).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error', param: 'model' });
  });

  it('chat with an unknown model is 404 model_not_found (it does not run the VLM)', async () => {
    const e = await apiError(client().chat.completions.create(ask({ model: 'gpt-4o' })));
    expect(e).toMatchObject({ status: 404, code: 'model_not_found', type: 'invalid_request_error', param: 'model' });
    expect(e.message).toMatch(/loupe-standin/);
  });
});

describe('chat: what is supported', () => {
  it('answers with the model id asked for, OpenAI fields, finish_reason length at max_tokens', async () => {
    const c = await client().chat.completions.create(ask({ max_tokens: 3 }));
    expect(c).toMatchObject({ object: 'chat.completion', model: 'loupe-standin' });
    expect(c.choices[0]).toMatchObject({ index: 0, finish_reason: 'length', message: { role: 'assistant' } });
    expect(c.usage?.completion_tokens).toBe(3);
    expect(c.usage?.total_tokens).toBe((c.usage?.prompt_tokens ?? 0) + 3);
  });

  it('max_completion_tokens is honoured too (and wins over max_tokens)', async () => {
    const c = await client().chat.completions.create(ask({ max_tokens: 9, max_completion_tokens: 2 }));
    expect(c.usage?.completion_tokens).toBe(2);
  });

  it('text-only chat works; an image in an earlier message is still seen', async () => {
    const text = await client().chat.completions.create({ model: 'loupe-standin', max_tokens: 3, messages: [{ role: 'user', content: 'Say hi.' }] });
    expect(text.choices[0]?.message.content).toEqual(expect.any(String));
    expect(loupeStats(text).visualTokens ?? 0).toBe(0);
    const earlier = await client().chat.completions.create({
      model: 'loupe-standin',
      max_tokens: 3,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [image(), { type: 'text', text: 'What is this?' }] },
        { role: 'assistant', content: 'A chart.' },
        { role: 'user', content: 'What colour is it?' },
      ],
    });
    expect(loupeStats(earlier).visualTokens).toBeGreaterThan(0);
    expect(loupeStats(earlier).images).toBe(1);
    // A second image in a later message: the model encodes both, each in its own turn.
    const both = await client().chat.completions.create({
      model: 'loupe-standin',
      max_tokens: 3,
      messages: [
        { role: 'user', content: [image(), { type: 'text', text: 'What is this?' }] },
        { role: 'assistant', content: 'A chart.' },
        { role: 'user', content: [image(), { type: 'text', text: 'And this one?' }] },
      ],
    });
    expect(loupeStats(both).images).toBe(2);
    expect(loupeStats(both).visualTokens).toBeGreaterThan(loupeStats(earlier).visualTokens!);
  });

  it('streams chunks with one id, role first, finish_reason last, and usage when asked', async () => {
    const stream = await client().chat.completions.create({ ...ask({ max_tokens: 4 }), stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.model === 'loupe-standin')).toBe(true);
    expect(chunks.at(-2)?.choices[0]?.finish_reason).toBe('length');
    expect(chunks.at(-1)?.usage).toMatchObject({ completion_tokens: 4 });
  });

});

/** These rows need the VLM's own decode loop (issue 12: job.sampling honoured, stats.promptTokens reported). */
describe('chat: sampling and usage reach the decode loop', () => {
  it('prompt_tokens counts the text and the history, not only the image', async () => {
    const short = await client().chat.completions.create(ask({ max_tokens: 1 }));
    const long = await client().chat.completions.create(ask({ max_tokens: 1, messages: [{ role: 'user', content: [{ type: 'text', text: 'word '.repeat(400) }, image()] }] }));
    expect(long.usage!.prompt_tokens).toBeGreaterThan(short.usage!.prompt_tokens + 300);
  });

  it('seed: the same seed at temperature 1.5 gives the same answer, other seeds other answers', async () => {
    const sampled = async (seed: number) => (await client().chat.completions.create(ask({ max_tokens: 12, temperature: 1.5, seed }))).choices[0]?.message.content;
    const first = await sampled(7);
    expect(await sampled(7)).toBe(first);
    const others = new Set([first, await sampled(8), await sampled(9)]);
    expect(others.size).toBeGreaterThan(1);
  });

  it('stop ends the answer before the stop string; top_p and top_k are accepted', async () => {
    const greedy = (await client().chat.completions.create(ask({ max_tokens: 16, temperature: 0 }))).choices[0]?.message.content ?? '';
    const stop = greedy.slice(Math.floor(greedy.length / 2), Math.floor(greedy.length / 2) + 3);
    expect(stop.length).toBeGreaterThan(0);
    const cut = await client().chat.completions.create({ ...ask({ max_tokens: 16, temperature: 0, stop: [stop] }), top_p: 0.9, top_k: 20 } as Params);
    expect(cut.choices[0]?.finish_reason).toBe('stop');
    expect(cut.choices[0]?.message.content).toBe(greedy.slice(0, greedy.indexOf(stop)));
  });
});

describe('chat: every error row as an OpenAI error object', () => {
  it.each([
    ['n', { n: 2 }],
    ['tools', { tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }],
    ['tool_choice', { tool_choice: 'required' }],
    ['response_format', { response_format: { type: 'xml' } }],
    ['response_format', { response_format: { type: 'json_schema', json_schema: { name: 'x' } } }],
    ['logprobs', { logprobs: true }],
    ['presence_penalty', { presence_penalty: 0.5 }],
    ['frequency_penalty', { frequency_penalty: 1 }],
    ['logit_bias', { logit_bias: { '1': 5 } }],
    ['temperature', { temperature: 3 }],
    ['top_p', { top_p: 1.5 }],
    ['seed', { seed: 1.5 }],
    ['stop', { stop: ['a', 'b', 'c', 'd', 'e'] }],
    ['max_tokens', { max_tokens: 0 }],
    ['max_completion_tokens', { max_completion_tokens: -1 }],
  ] as Array<[string, Partial<Params>]>)('%s → 400 invalid_request_error naming the param', async (param, over) => {
    const e = await apiError(client().chat.completions.create(ask(over)));
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e).toMatchObject({ status: 400, type: 'invalid_request_error', param });
    expect(e.message).toContain(param);
  });

  it('malformed messages are 400 with a message that names the fix', async () => {
    const cases: Array<Partial<Params>> = [
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://169.254.169.254/x' } }] }] },
      { messages: [{ role: 'assistant', content: 'x' }] },
      { messages: [{ role: 'tool', content: 'x', tool_call_id: 't' }] },
      { messages: [] },
    ];
    for (const over of cases) {
      const e = await apiError(client().chat.completions.create(ask(over)));
      expect(e).toMatchObject({ status: 400, type: 'invalid_request_error', param: 'messages' });
    }
  });

  it('an image Loupe cannot read is 415 unsupported_image, in OpenAI shape', async () => {
    const bmp = Buffer.from('BM' + 'x'.repeat(64)).toString('base64');
    const e = await apiError(client().chat.completions.create(ask({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: `data:image/bmp;base64,${bmp}` } }] }] })));
    expect(e).toMatchObject({ status: 415, type: 'invalid_request_error', code: 'unsupported_image' });
    expect(e.message).toMatch(/PNG, JPEG or WebP/);
  });

  it('no token → 401 authentication_error; a foreign Origin → 403 permission_error', async () => {
    const e401 = await apiError(client('wrong').chat.completions.create(ask()));
    expect(e401).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(e401).toMatchObject({ type: 'authentication_error', code: 'unauthorized' });
    expect(e401.message).toMatch(/loupe token/);
    const e403 = await apiError(client(d.token, { Origin: 'https://evil.test' }).models.list());
    expect(e403).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(e403).toMatchObject({ type: 'permission_error', code: 'forbidden_origin' });
  });

  it('an error after the stream started is an SSE error event the SDK raises as APIError', async () => {
    const stream = await client().chat.completions.create({ model: 'loupe-standin', max_tokens: 4000, stream: true, messages: [{ role: 'user', content: 'Tell a long story.' }] });
    const { parts, error } = await crashMidStream(d, stream);
    expect(parts).toBeGreaterThanOrEqual(2);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error).toMatchObject({ code: 'engine_crashed', type: 'server_error' });
  });
});
