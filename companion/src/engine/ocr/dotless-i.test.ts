import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { settleDotlessI } from './dotless-i';
import type { Rgb } from './raster';

type Rect = [x0: number, x1: number, y0: number, y1: number];
/** 10 px cells, baseline row 29: x-height 10 rows (20–29), capitals 15 (15–29). */
const SHAPES: Record<string, Rect[]> = {
  cap: [[2, 8, 15, 29]],
  small: [[2, 8, 20, 29]],
  capStroke: [[5, 6, 15, 29]],
  dottedI: [[5, 6, 20, 29], [5, 6, 16, 17]],
};

function line(glyphs: Array<[string, keyof typeof SHAPES]>): { chars: CtcChar[]; pxPerStep: number; crop: Rgb } {
  const width = 10 * glyphs.length + 10;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  glyphs.forEach(([, shape], s) => {
    for (const [x0, x1, y0, y1] of SHAPES[shape]!) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + s * 10 + x) * 3);
  });
  const chars = glyphs.map(([char], s): CtcChar => ({ char, start: s, end: s, prob: 0.95, spaceBefore: 0 }));
  return { chars, pxPerStep: 10, crop: { data, width, height } };
}

const read = (l: ReturnType<typeof line>) => {
  settleDotlessI([l], [l.crop]);
  return l.chars.map((c) => c.char).join('');
};

describe('a capital I read as i', () => {
  it('reads an `i` between capitals that is one stroke of cap height without a dot as `I` ("UiD" → "UID")', () => {
    expect(read(line([['a', 'small'], ['U', 'cap'], ['i', 'capStroke'], ['D', 'cap']]))).toBe('aUID');
  });

  it('keeps a dotted `i` of x-height between capitals ("GiB")', () => {
    expect(read(line([['a', 'small'], ['G', 'cap'], ['i', 'dottedI'], ['B', 'cap']]))).toBe('aGiB');
  });
});
