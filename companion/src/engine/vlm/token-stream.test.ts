import { describe, expect, it } from 'vitest';
import { TokenText } from './token-stream';

/** A byte-level "tokenizer": each id is one UTF-8 byte, decoded like a BPE decoder does. */
const decode = (ids: number[]) => Buffer.from(ids).toString('utf8');

describe('TokenText', () => {
  it('holds back an incomplete UTF-8 sequence until it completes', () => {
    const t = new TokenText(decode);
    const bytes = [...Buffer.from('a中b\n你')];
    const deltas = bytes.map((b) => t.push(b));
    expect(deltas.filter(Boolean)).toEqual(['a', '中', 'b', '\n', '你']);
    expect(deltas.join('')).toBe('a中b\n你');
    expect(t.text).toBe('a中b\n你');
    expect(t.flush()).toBe('');
  });

  it('flushes what is left at the end', () => {
    const t = new TokenText(decode);
    t.push(0x61);
    t.push(0xe4);
    expect(t.flush()).toBe('\uFFFD');
    expect(t.text).toBe('a\uFFFD');
  });
});

describe('TokenText on long lines', () => {
  it('restarts its cache without changing the text', () => {
    const t = new TokenText(decode);
    const source = 'x'.repeat(100) + '中文'.repeat(50);
    const out = [...Buffer.from(source)].map((b) => t.push(b)).join('') + t.flush();
    expect(out).toBe(source);
  });
});
