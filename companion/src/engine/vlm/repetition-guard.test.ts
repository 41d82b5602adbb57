import { describe, expect, it } from 'vitest';
import { guardOptionsFor, RepetitionGuard } from './repetition-guard';

function feed(guard: RepetitionGuard, tokens: number[]): number {
  for (let i = 0; i < tokens.length; i++) if (guard.push(tokens[i]!)) return i;
  return -1;
}

describe('RepetitionGuard', () => {
  it('gives generated code (repeated UI blocks) more room than OCR', () => {
    const card = Array.from({ length: 40 }, (_, i) => 2000 + i);
    const cards = Array.from({ length: 10 }, () => card).flat();
    expect(feed(new RepetitionGuard(guardOptionsFor('code')), cards)).toBe(-1);
    expect(feed(new RepetitionGuard(guardOptionsFor('ocr')), cards)).toBeGreaterThan(0);
  });

  it('trips on a single token repeated', () => {
    const g = new RepetitionGuard({ minSpan: 40, minRepeats: 4 });
    const at = feed(g, [1, 2, 3, ...new Array<number>(100).fill(7)]);
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(3 + 41);
    expect(g.period).toBe(1);
  });

  it('trips on a repeated phrase and reports its period', () => {
    const g = new RepetitionGuard();
    const phrase = [11, 12, 13, 14, 15, 16, 17];
    const tokens = [5, 6, 7, 8];
    for (let i = 0; i < 60; i++) tokens.push(...phrase);
    const at = feed(g, tokens);
    expect(at).toBeGreaterThan(0);
    expect(g.period).toBe(7);
  });

  it('trips on a long repeated line only after enough copies', () => {
    const g = new RepetitionGuard({ maxPeriod: 100, minSpan: 160, minRepeats: 5 });
    const line = Array.from({ length: 50 }, (_, i) => 1000 + i);
    // 4 copies (200 tokens) is not enough: 5 copies are needed for a 50-token unit.
    expect(feed(g, [...line, ...line, ...line, ...line])).toBe(-1);
    expect(feed(g, line)).toBeGreaterThanOrEqual(0);
  });

  it('does not trip on varied text or short legitimate repeats', () => {
    const g = new RepetitionGuard();
    const tokens: number[] = [];
    let x = 17;
    for (let i = 0; i < 3000; i++) {
      x = (x * 1103515245 + 12345) % 2147483648;
      tokens.push(x % 5000);
    }
    // a Markdown table separator and a dot leader: short repeats well under the span
    tokens.splice(100, 0, ...new Array<number>(20).fill(91));
    tokens.splice(500, 0, ...Array.from({ length: 10 }, () => [124, 4421]).flat());
    expect(feed(g, tokens)).toBe(-1);
  });
});
