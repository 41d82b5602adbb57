import { describe, expect, it } from 'vitest';
import { parseFromHost, parseToHost } from './messages';

const model = { id: 'stand-in', engine: 'qwen-vl', device: 'cpu', standIn: true };
const capabilities = { kind: 'vlm', tasks: ['describe'], maxPixels: 1_000_000, multiImage: false };
const job = { id: 'j1', task: 'describe', images: [new Uint8Array([1, 2])], locale: 'en', history: [{ role: 'user', text: 'hi' }] };

const problem = (parsed: { ok: boolean; problem?: string }): string | undefined => (parsed.ok ? undefined : parsed.problem);

describe('host → daemon messages', () => {
  it('accept a loaded message with a model and capabilities', () => {
    expect(parseFromHost({ type: 'loaded', model, capabilities })).toEqual({ ok: true, message: { type: 'loaded', model, capabilities } });
  });

  it('refuse a loaded message missing what the daemon serves from, naming the field', () => {
    expect(problem(parseFromHost({ type: 'loaded', capabilities }))).toMatch(/^loaded\.model: /);
    expect(problem(parseFromHost({ type: 'loaded', model, capabilities: { ...capabilities, tasks: ['dance'] } }))).toMatch(/^loaded\.capabilities\.tasks\.0: /);
  });

  it('refuse a result without its text, an error with an unknown code, and unknown types', () => {
    expect(problem(parseFromHost({ type: 'result', jobId: 'j1', result: { type: 'result', finishReason: 'stop', stats: {} } }))).toMatch(/^result\.result\.text: /);
    expect(problem(parseFromHost({ type: 'error', jobId: 'j1', error: { code: 'oops', message: 'x' } }))).toMatch(/^error\.error\.code: /);
    expect(problem(parseFromHost({ type: 'bogus' }))).toBe('unknown message type "bogus"');
    expect(problem(parseFromHost('loaded'))).toBe('message is not an object with a type');
  });

  it('drop fields the schema does not name (the daemon serves only what it checked)', () => {
    const parsed = parseFromHost({ type: 'delta', jobId: 'j1', text: 'a', extra: 1 });
    expect(parsed).toEqual({ ok: true, message: { type: 'delta', jobId: 'j1', text: 'a' } });
  });
});

describe('daemon → host messages', () => {
  it('accept a run whose images are bytes, keeping the same byte arrays', () => {
    const parsed = parseToHost({ type: 'run', job });
    expect(parsed.ok).toBe(true);
    if (!parsed.ok || parsed.message.type !== 'run') throw new Error('expected a run message');
    expect(parsed.message.job.images[0]).toBe(job.images[0]);
  });

  it('refuse a run with base64 images, a load without options, and a cancel without its job id', () => {
    expect(problem(parseToHost({ type: 'run', job: { ...job, images: ['AQI='] } }))).toMatch(/^run\.job\.images\.0: must be bytes/);
    expect(problem(parseToHost({ type: 'load', engine: 'qwen-vl' }))).toMatch(/^load\.options: /);
    expect(problem(parseToHost({ type: 'load', engine: 'qwen-vl', options: { home: '/h', device: 'tpu' } }))).toMatch(/^load\.options\.device: /);
    expect(parseToHost({ type: 'load', engine: 'qwen-vl', options: { home: '/h', device: 'cpu', imageDetail: 'full' } })).toMatchObject({ ok: true, message: { options: { imageDetail: 'full' } } });
    expect(problem(parseToHost({ type: 'load', engine: 'qwen-vl', options: { home: '/h', device: 'cpu', imageDetail: 'max' } }))).toMatch(/^load\.options\.imageDetail: /);
    expect(problem(parseToHost({ type: 'cancel' }))).toMatch(/^cancel\.jobId: /);
  });
});
