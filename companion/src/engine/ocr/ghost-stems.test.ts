import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { dropGhostStems } from './ghost-stems';
import type { Rgb } from './raster';

type Rect = [x0: number, x1: number, y0: number, y1: number];
/** Small type, 2 px a time step: x-height rows 20–29, ascenders from row 14. */
const D: Rect[] = [[10, 10, 20, 29], [10, 15, 20, 20], [10, 15, 29, 29], [16, 17, 14, 29]];
const ELL_APART: Rect[] = [[20, 21, 14, 29]];
/** A `c` open to the right, a blank column (9) before the `d`'s bowl. */
const C_APART: Rect[] = [[3, 3, 20, 29], [3, 8, 20, 20], [3, 8, 29, 29]];

function line(rects: Rect[], glyphs: Array<[string, number | [number, number], number]>): { chars: CtcChar[]; pxPerStep: number; crop: Rgb } {
  const width = 40;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x0, x1, y0, y1] of rects) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = glyphs.map(([char, step, prob]): CtcChar => ({ char, start: typeof step === 'number' ? step : step[0], end: typeof step === 'number' ? step : step[1], prob, spaceBefore: 0 }));
  return { chars, pxPerStep: 2, crop: { data, width, height } };
}

const read = (l: ReturnType<typeof line>) => {
  dropGhostStems([l], [l.crop]);
  return l.chars.map((c) => c.char).join('');
};

describe('a small d read twice', () => {
  it('drops an unsure `l` whose spike sits on the d’s own stem ("dlestination" → "destination")', () => {
    expect(read(line(D, [['d', 6, 0.99], ['l', 8, 0.6]]))).toBe('d');
  });

  it('drops an unsure `c` on the d’s bowl, no blank column between them ("sicdle" → "side")', () => {
    expect(read(line(D, [['c', 5, 0.6], ['d', 6, 0.99]]))).toBe('d');
  });

  it('keeps an `l` with a stem of its own and a `c` a blank column before the d', () => {
    expect(read(line([...D, ...ELL_APART], [['d', 7, 0.99], ['l', [9, 10], 0.6]]))).toBe('dl');
    expect(read(line([...C_APART, ...D], [['c', 2, 0.6], ['d', 6, 0.99]]))).toBe('cd');
  });

  it('keeps a ghost the recogniser is sure of', () => {
    expect(read(line(D, [['d', 6, 0.99], ['l', 8, 0.95]]))).toBe('dl');
  });
});
