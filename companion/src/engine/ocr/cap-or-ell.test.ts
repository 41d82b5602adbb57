import { describe, expect, it } from 'vitest';
import { settleCapOrEll } from './cap-or-ell';
import type { CtcChar } from './ctc';
import type { Rgb } from './raster';

/** A rectangle of ink, with an optional share of ink on its top row (an anti-aliased edge). */
type Rect = [x0: number, x1: number, y0: number, y1: number, topInk?: number];
/** 10 px cells, baseline row 29: x-height 10 rows (20–29), capitals 15 (15–29), ascenders 16 (14–29). */
const SHAPES: Record<string, Rect[]> = {
  cap: [[2, 3, 15, 29], [2, 8, 15, 16], [2, 8, 28, 29]],
  asc: [[6, 7, 14, 29], [2, 7, 20, 21], [2, 7, 28, 29], [2, 3, 20, 29]],
  /** A `d` whose ascender reaches no higher than the capitals (a font drawing both alike). */
  ascLow: [[6, 7, 15, 29], [2, 7, 20, 21], [2, 7, 28, 29], [2, 3, 20, 29]],
  small: [[2, 8, 20, 29]],
  capStroke: [[5, 6, 15, 29]],
  ascStroke: [[5, 6, 14, 29]],
  /** A stroke whose top row is half inked: half a pixel above the capitals, half below the ascenders. */
  midStroke: [[5, 6, 14, 14, 0.5], [5, 6, 15, 29]],
};

function line(glyphs: Array<[string, keyof typeof SHAPES]>): { chars: CtcChar[]; pxPerStep: number; crop: Rgb } {
  const width = 10 * glyphs.length + 10;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  glyphs.forEach(([, shape], s) => {
    for (const [x0, x1, y0, y1, topInk] of SHAPES[shape]!) {
      for (let y = y0; y <= y1; y++) {
        const v = Math.round(255 * (1 - (y === y0 ? (topInk ?? 1) : 1)));
        for (let x = x0; x <= x1; x++) data.set([v, v, v], (y * width + s * 10 + x) * 3);
      }
    }
  });
  const chars = glyphs.map(([char], s): CtcChar => ({ char, start: s, end: s, prob: 0.95, spaceBefore: 0 }));
  return { chars, pxPerStep: 10, crop: { data, width, height } };
}

const read = (l: ReturnType<typeof line>) => {
  settleCapOrEll([l], [l.crop]);
  return l.chars.map((c) => c.char).join('');
};

describe('a capital I or a small l, told by its height', () => {
  it('reads an `l` as tall as the capitals as `I` ("Edaslne" → "EdasIne")', () => {
    expect(read(line([['E', 'cap'], ['d', 'asc'], ['a', 'small'], ['s', 'small'], ['l', 'capStroke'], ['n', 'small'], ['e', 'small']]))).toBe('EdasIne');
  });

  it('reads an `I` as tall as the ascenders as `l` ("EdaIso" → "Edalso")', () => {
    expect(read(line([['E', 'cap'], ['d', 'asc'], ['a', 'small'], ['I', 'ascStroke'], ['s', 'small'], ['o', 'small']]))).toBe('Edalso');
  });

  it('keeps both where the font draws ascenders no taller than capitals', () => {
    expect(read(line([['E', 'cap'], ['d', 'ascLow'], ['a', 'small'], ['s', 'small'], ['l', 'capStroke'], ['n', 'small'], ['e', 'small']]))).toBe('Edaslne');
  });

  it('keeps a stroke whose anti-aliased top lies halfway between the two heights', () => {
    expect(read(line([['E', 'cap'], ['d', 'asc'], ['a', 'small'], ['s', 'small'], ['l', 'midStroke'], ['n', 'small'], ['e', 'small']]))).toBe('Edaslne');
    expect(read(line([['E', 'cap'], ['d', 'asc'], ['a', 'small'], ['s', 'small'], ['I', 'midStroke'], ['n', 'small'], ['e', 'small']]))).toBe('EdasIne');
  });
});
