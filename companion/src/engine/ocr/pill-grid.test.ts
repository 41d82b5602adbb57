import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { pillNeighbours } from './pill-grid';

/** Monospace code as the recogniser times it: cell k's centre at 10 px × k + 5, on 4 px CTC steps (so up to 2 px off). */
function timed(text: string, pxPerStep = 4): CtcChar[] {
  const out: CtcChar[] = [];
  [...text].forEach((char, k) => {
    if (char === ' ') return;
    const step = Math.round((10 * k + 5) / pxPerStep - 0.5);
    out.push({ char, start: step, end: step, prob: 0.99, spaceBefore: 0 });
  });
  return out;
}

describe('neighbouring glyphs inside an inline-code pill, from its grid', () => {
  it('finds every glyph of unspaced code a cell from the one before (narrow glyphs too)', () => {
    const glyphs = timed('DEBUG=connect:bodyParser,connect:compress');
    expect(pillNeighbours(glyphs, 4, [{ x0: 0, x1: 420 }]).size).toBe(glyphs.length - 1);
  });

  it('leaves a typed space alone', () => {
    const glyphs = timed('npm run lint --fix');
    const next = pillNeighbours(glyphs, 4, [{ x0: 0, x1: 190 }]);
    const text = glyphs.map((g, i) => (i > 0 && !next.has(i) ? ' ' : '') + g.char).join('');
    expect(text).toBe('npm run lint --fix');
  });

  it('makes no call outside a pill or in a pill too short to measure', () => {
    const glyphs = timed('ab cd efgh');
    expect(pillNeighbours(glyphs, 4, [{ x0: 0, x1: 40 }]).size).toBe(0);
  });
});
