import { describe, expect, it } from 'vitest';
import { parseServerMessage } from '@loupe/shared';
import { applyServerMessage, failUnfinished, type Conversation } from './conversation';

const model = { id: 'qwen2.5-vl-3b', engine: 'vlm', device: 'cpu', standIn: false };
const conv = (): Conversation => ({
  id: 'c1',
  createdAt: 0,
  source: 'image',
  turns: [{ id: 'j1', task: 'describe', status: 'sending', text: '', createdAt: 0 }],
});
const msg = (m: unknown) => parseServerMessage(JSON.stringify(m));

describe('applyServerMessage', () => {
  it('follows a job from queued through streamed deltas to done', () => {
    const c = conv();
    expect(applyServerMessage(c, msg({ type: 'queued', id: 'j1', position: 2 }))).toBe(true);
    expect(c.turns[0]).toMatchObject({ status: 'queued', queuePosition: 2 });
    applyServerMessage(c, msg({ type: 'started', id: 'j1', model }));
    applyServerMessage(c, msg({ type: 'delta', id: 'j1', text: 'A cat ' }));
    applyServerMessage(c, msg({ type: 'delta', id: 'j1', text: 'on a mat' }));
    expect(c.turns[0]).toMatchObject({ status: 'running', text: 'A cat on a mat', model });
    applyServerMessage(c, msg({ type: 'done', id: 'j1', text: 'A cat on a mat.', finishReason: 'stop', model, stats: { totalMs: 12 }, boxes: [{ label: 'cat', box: [1, 2, 3, 4] }] }));
    expect(c.turns[0]).toMatchObject({ status: 'done', text: 'A cat on a mat.', finishReason: 'stop', boxes: [{ label: 'cat', box: [1, 2, 3, 4] }] });
  });

  it('keeps an OCR result\'s blocks and its no_text flag', () => {
    const c = conv();
    const blocks = [{ kind: 'code', firstLine: 0, lastLine: 1, language: 'python' }];
    applyServerMessage(c, msg({ type: 'done', id: 'j1', text: 'def f():\n    pass', finishReason: 'stop', model, stats: { totalMs: 5 }, blocks }));
    expect(c.turns[0]).toMatchObject({ blocks });
    expect(c.turns[0]!.noText).toBeUndefined();
    const blank = conv();
    applyServerMessage(blank, msg({ type: 'done', id: 'j1', text: '', finishReason: 'stop', model, stats: { totalMs: 5 }, no_text: true }));
    expect(blank.turns[0]).toMatchObject({ status: 'done', text: '', noText: true });
  });

  it('ignores anything after the terminal message and messages for other ids', () => {
    const c = conv();
    applyServerMessage(c, msg({ type: 'cancelled', id: 'j1' }));
    expect(applyServerMessage(c, msg({ type: 'delta', id: 'j1', text: 'late' }))).toBe(false);
    expect(applyServerMessage(c, msg({ type: 'delta', id: 'other', text: 'x' }))).toBe(false);
    expect(c.turns[0]).toMatchObject({ status: 'cancelled', text: '' });
  });

  it('keeps the error code, message and hint', () => {
    const c = conv();
    applyServerMessage(c, msg({ type: 'error', id: 'j1', code: 'engine_unavailable', message: 'no VLM loaded', hint: 'run loupe models pull' }));
    expect(c.turns[0]!.error).toEqual({ code: 'engine_unavailable', message: 'no VLM loaded', hint: 'run loupe models pull' });
  });

  it('fails unfinished turns when the link drops, leaving finished ones alone', () => {
    const c = conv();
    c.turns.push({ id: 'j0', task: 'ocr', status: 'done', text: 'kept', createdAt: 0 });
    expect(failUnfinished(c, 'lost', 'run pnpm start')).toBe(true);
    expect(c.turns[0]).toMatchObject({ status: 'error', error: { code: 'disconnected', message: 'lost', hint: 'run pnpm start' } });
    expect(c.turns[1]).toMatchObject({ status: 'done', text: 'kept' });
    expect(failUnfinished(c, 'lost')).toBe(false);
  });
});
