import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { settleDollarSigns } from './dollar-signs';
import type { Rgb } from './raster';

type Rect = [x0: number, x1: number, y0: number, y1: number];
/** A capital or digit (cap height 12 px, baseline row 29) in the 10 px cell of time step `s`. */
const capital = (s: number): Rect => [10 * s + 2, 10 * s + 8, 18, 29];

/** One line crop (white ground, black `ink`) read as `read`: one time step each, 10 px a step. */
function settle(read: Array<[string, number]>, ink: Rect[]): string {
  const width = 80;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x0, x1, y0, y1] of ink) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = read.map(([char, s]): CtcChar => ({ char, start: s, end: s, prob: 0.9, spaceBefore: 0 }));
  const line = { chars, pxPerStep: 10 };
  const crop: Rgb = { data, width, height };
  settleDollarSigns([line], [crop]);
  return line.chars.map((c) => c.char).join('');
}

describe('dollar signs read S', () => {
  it('takes an S reaching above the capitals and below the baseline for `$` (`%2Ss` → `%2$s`)', () => {
    // The S's stroke: two rows over the cap height, two under the baseline.
    expect(settle([['A', 0], ['S', 2], ['B', 4]], [capital(0), [22, 28, 18, 29], [24, 25, 16, 31], capital(4)])).toBe('A$B');
  });

  it('measures it against the x-height on a line with no capital or digit (`${message}`)', () => {
    const small = (s: number): Rect => [10 * s + 2, 10 * s + 8, 22, 29];
    expect(settle([['a', 0], ['a', 1], ['S', 3], ['a', 5]], [small(0), small(1), [32, 38, 18, 29], [34, 35, 16, 31], small(5)])).toBe('aa$a');
    expect(settle([['a', 0], ['a', 1], ['S', 3], ['a', 5]], [small(0), small(1), [32, 38, 18, 29], small(5)])).toBe('aaSa');
  });

  it('leaves an S of cap height alone, and one as tall that stands on the baseline', () => {
    expect(settle([['A', 0], ['S', 2], ['B', 4]], [capital(0), capital(2), capital(4)])).toBe('ASB');
    expect(settle([['A', 0], ['S', 2], ['B', 4]], [capital(0), [22, 28, 18, 29], [24, 25, 13, 29], capital(4)])).toBe('ASB');
  });
});
