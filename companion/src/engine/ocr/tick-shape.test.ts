import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import type { Mask } from './glyph-shape';
import { backticksByShape, strokeAt } from './tick-shape';

/** A 20-row mask with letters "a" (x-height blocks) around a mark drawn by `mark(x, y)` in columns 20–27. */
function line(mark: (x: number, y: number) => boolean): Mask {
  const width = 48, height = 20;
  const ink = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const letter = (x >= 4 && x < 12) || (x >= 36 && x < 44);
      if ((letter && y >= 3 && y < 17) || (x >= 20 && x < 28 && mark(x, y))) ink[y * width + x] = 1;
    }
  }
  return { ink, width, height };
}

const glyph = (char: string, step: number): CtcChar => ({ char, start: step, end: step, prob: 0.9, spaceBefore: 0 });
/** Spikes at x = 8, 24, 40 (4 px a step). */
const read = (mark: string) => [glyph('a', 1.5), glyph(mark, 5.5), glyph('a', 9.5)];

const BACKTICK = (x: number, y: number) => y >= 3 && y < 8 && Math.abs(x - (21 + (y - 3))) <= 0.5;
const CARET = (x: number, y: number) => y >= 3 && y < 7 && (x === 24 - (y - 3) || x === 24 + (y - 3));
const APOSTROPHE = (x: number, y: number) => y >= 3 && y < 8 && x === 24;
const CLOSING_QUOTE = (x: number, y: number) => y >= 3 && y < 8 && x === 26 - (y - 3);

describe('strokeAt', () => {
  it('measures the lean of the ink nearest a column', () => {
    expect(strokeAt(line(BACKTICK), 24, 18, 30, 0, 10)!.lean).toBeCloseTo(1, 1);
    expect(Math.abs(strokeAt(line(CARET), 24, 18, 30, 0, 10)!.lean)).toBeLessThan(0.2);
    expect(strokeAt(line(CLOSING_QUOTE), 24, 18, 30, 0, 10)!.lean).toBeLessThan(0);
    expect(strokeAt(line(() => false), 24, 18, 30, 0, 2)).toBeUndefined();
  });
});

describe('backticksByShape', () => {
  it('makes a caret or quote drawn as a backtick a backtick', () => {
    for (const mark of ['^', '′', "'", '’']) expect(backticksByShape(read(mark), 4, line(BACKTICK)).map((g) => g.char).join('')).toBe('a`a');
  });

  it('keeps carets, apostrophes and closing quotes drawn as such', () => {
    expect(backticksByShape(read('^'), 4, line(CARET)).map((g) => g.char).join('')).toBe('a^a');
    expect(backticksByShape(read("'"), 4, line(APOSTROPHE)).map((g) => g.char).join('')).toBe("a'a");
    expect(backticksByShape(read('’'), 4, line(CLOSING_QUOTE)).map((g) => g.char).join('')).toBe('a’a');
  });

  it('makes a double quote drawn as one backtick stroke a backtick (`v2.4" for `v2.4`)', () => {
    for (const mark of ['"', '“', '”']) expect(backticksByShape(read(mark), 4, line(BACKTICK)).map((g) => g.char).join('')).toBe('a`a');
  });

  it('keeps a double quote drawn as two upright strokes', () => {
    const quote = (x: number, y: number) => y >= 3 && y < 8 && (x === 23 || x === 26);
    expect(backticksByShape(read('"'), 4, line(quote)).map((g) => g.char).join('')).toBe('a"a');
  });

  it('makes an asterisk drawn as a backtick a backtick (raw inline code in sans text: "`false*)")', () => {
    expect(backticksByShape(read('*'), 4, line(BACKTICK)).map((g) => g.char).join('')).toBe('a`a');
  });

  it('keeps an asterisk drawn as a star', () => {
    const star = (x: number, y: number) => y >= 3 && y < 8 && (x === 24 || (y !== 5 && Math.abs(x - 24) === 2));
    expect(backticksByShape(read('*'), 4, line(star)).map((g) => g.char).join('')).toBe('a*a');
  });

  it('keeps a long stroke falling to the right (a backslash is no backtick)', () => {
    const slash = (x: number, y: number) => y >= 3 && y < 17 && Math.abs(x - (20 + (y - 3) / 2)) <= 0.5;
    expect(backticksByShape(read('^'), 4, line(slash)).map((g) => g.char).join('')).toBe('a^a');
  });
});
