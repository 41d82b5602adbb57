import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import type { Rgb } from './raster';
import { settleZeroOrOh } from './zero-or-oh';

type Rect = [x0: number, x1: number, y0: number, y1: number];
/** A ring of 2 px strokes round the box. */
const ring = (x0: number, x1: number, y0: number, y1: number): Rect[] => [[x0, x1, y0, y0 + 1], [x0, x1, y1 - 1, y1], [x0, x0 + 1, y0, y1], [x1 - 1, x1, y0, y1]];
/** 16 px cells, baseline row 29: capitals and digits 12 rows (18–29). */
const SHAPES: Record<string, Rect[]> = {
  small: [[4, 11, 22, 29]],
  cap: [[3, 12, 18, 29]],
  /** A figure zero: 7 px wide, 12 tall. */
  narrowRing: ring(4, 10, 18, 29),
  /** A letter O: 11 px wide, 12 tall. */
  roundRing: ring(2, 12, 18, 29),
  /** A zero with a dot inside (DejaVu Sans Mono): left alone. */
  dottedRing: [...ring(2, 12, 18, 29), [7, 8, 23, 24]],
  /** A parenthesis: a tall arc, no ring. */
  paren: [[6, 7, 17, 31], [8, 9, 16, 17], [8, 9, 31, 32]],
};

function line(glyphs: Array<[string, keyof typeof SHAPES]>): { chars: CtcChar[]; pxPerStep: number; crop: Rgb } {
  const width = 16 * glyphs.length + 16;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  glyphs.forEach(([, shape], s) => {
    for (const [x0, x1, y0, y1] of SHAPES[shape]!) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + s * 16 + x) * 3);
  });
  const chars = glyphs.map(([char], s): CtcChar => ({ char, start: s, end: s, prob: 0.95, spaceBefore: 0 }));
  return { chars, pxPerStep: 16, crop: { data, width, height } };
}

const read = (l: ReturnType<typeof line>) => {
  settleZeroOrOh([l], [l.crop]);
  return l.chars.map((c) => c.char).join('');
};

describe('a zero or a capital O, told by its width', () => {
  it('reads a narrow ring read `O` as the figure ("Ox2A" → "0x2A")', () => {
    expect(read(line([['O', 'narrowRing'], ['x', 'small'], ['2', 'cap'], ['A', 'cap']]))).toBe('0x2A');
  });

  it('reads a round ring read `0` as the letter ("0K" → "OK")', () => {
    expect(read(line([['0', 'roundRing'], ['K', 'cap']]))).toBe('OK');
  });

  it('keeps a ring with a mark inside and a parenthesis read `O`', () => {
    expect(read(line([['0', 'dottedRing'], ['K', 'cap']]))).toBe('0K');
    expect(read(line([['x', 'small'], ['O', 'paren'], ['x', 'small']]))).toBe('xOx');
  });
});
