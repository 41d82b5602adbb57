import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import type { Mask } from './glyph-shape';
import { restoreClosingTicks } from './lost-ticks';

/**
 * A 20-row line: an opening backtick (columns 2–6), letters (x-height blocks) at 9–15 and
 * 17–23, a mark drawn by `mark` in columns 25–31 that no glyph was read on, a letter at 41–47.
 */
function line(mark: (x: number, y: number) => boolean): Mask {
  const width = 52, height = 20;
  const ink = new Uint8Array(width * height);
  const opening = (x: number, y: number) => y >= 3 && y < 8 && Math.abs(x - (2 + (y - 3))) <= 0.5;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const letter = ((x >= 9 && x < 16) || (x >= 17 && x < 24) || (x >= 41 && x < 48)) && y >= 6 && y < 17;
      if (letter || opening(x, y) || (x >= 25 && x < 32 && mark(x, y))) ink[y * width + x] = 1;
    }
  }
  return { ink, width, height };
}

const glyph = (char: string, step: number): CtcChar => ({ char, start: step, end: step, prob: 0.9, spaceBefore: 0 });
/** Spikes at x = 4, 12, 20 and 44 (4 px a step): "`aa a" with the code's closing tick unread. */
const read = [glyph('`', 0.5), glyph('a', 2.5), glyph('a', 4.5), glyph('b', 10.5)];
const chars = (gs: CtcChar[]) => gs.map((g) => g.char).join('');

const BACKTICK = (x: number, y: number) => y >= 3 && y < 8 && Math.abs(x - (26 + (y - 3))) <= 0.5;
const APOSTROPHE = (x: number, y: number) => y >= 3 && y < 8 && x === 27;

describe('restoreClosingTicks', () => {
  it('reads the unread backtick stroke after open code as its closing tick', () => {
    expect(chars(restoreClosingTicks(read, 4, line(BACKTICK)))).toBe('`aa`b');
  });

  it('leaves an apostrophe drawn upright', () => {
    expect(chars(restoreClosingTicks(read, 4, line(APOSTROPHE)))).toBe('`aab');
  });

  it('adds nothing where the line has no open code', () => {
    const closed = [...read.slice(0, 3), glyph('`', 6.5), glyph('b', 10.5)];
    expect(chars(restoreClosingTicks(closed, 4, line(BACKTICK)))).toBe('`aa`b');
  });
});
