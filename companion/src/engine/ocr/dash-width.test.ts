import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { settleDashWidths } from './dash-width';
import type { Rgb } from './raster';

type Rect = [x0: number, x1: number, y0: number, y1: number];
/** 16 px cells, baseline row 29: x-height 10 rows (20–29), capitals and digits 15 (15–29); bars at mid x-height. */
const SHAPES: Record<string, Rect[]> = {
  small: [[4, 11, 20, 29]],
  digit: [[4, 11, 15, 29]],
  hyphen: [[6, 10, 24, 25]],
  enBar: [[3, 11, 24, 25]],
  emBar: [[1, 14, 24, 25]],
  /** Two hyphens merged into one bar, against the flag's first letter. */
  flagBar: [[2, 15, 24, 25]],
};

/** A line of glyphs, one per cell; a glyph named with a leading space has the recogniser's space before it. */
function line(glyphs: Array<[string, keyof typeof SHAPES]>): { chars: CtcChar[]; pxPerStep: number; crop: Rgb } {
  const width = 16 * glyphs.length + 16;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  glyphs.forEach(([, shape], s) => {
    for (const [x0, x1, y0, y1] of SHAPES[shape]!) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + s * 16 + x) * 3);
  });
  const chars = glyphs.map(([char], s): CtcChar => ({ char: char.trim(), start: s, end: s, prob: 0.95, spaceBefore: char.startsWith(' ') ? 0.9 : 0 }));
  return { chars, pxPerStep: 16, crop: { data, width, height } };
}

const read = (l: ReturnType<typeof line>) => {
  settleDashWidths([l], [l.crop]);
  return l.chars.map((c) => c.char).join('');
};

describe('dashes told by their length', () => {
  it('reads a spaced bar twice the x-height long as an em dash ("one — the")', () => {
    expect(read(line([['o', 'small'], ['n', 'small'], ['e', 'small'], [' -', 'emBar'], [' n', 'small'], ['e', 'small']]))).toBe('one—ne');
  });

  it('keeps a hyphen half the x-height long ("one-ne")', () => {
    expect(read(line([['o', 'small'], ['n', 'small'], ['e', 'small'], ['-', 'hyphen'], ['n', 'small'], ['e', 'small']]))).toBe('one-ne');
  });

  it('reads a bar as long as the x-height between digits as an en dash ("10–20")', () => {
    expect(read(line([['n', 'small'], ['e', 'small'], [' 1', 'digit'], ['0', 'digit'], ['-', 'enBar'], ['2', 'digit'], ['0', 'digit']]))).toBe('ne10–20');
  });

  it("leaves a long bar opening a flag to the doubled-hyphen rule (CTC merges a flag's `--`)", () => {
    expect(read(line([['n', 'small'], ['e', 'small'], [' -', 'flagBar'], ['n', 'small'], ['e', 'small']]))).toBe('ne-ne');
  });
});
