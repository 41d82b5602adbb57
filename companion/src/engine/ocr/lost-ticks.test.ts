import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import type { Mask } from './glyph-shape';
import { restoreLostTicks } from './lost-ticks';

/**
 * A 20-row line: an opening backtick (columns 2–6), letters (x-height blocks) at 9–15 and
 * 17–23, a tall letter at 41–47, a mark drawn by `mark` in columns 25–31 that no glyph was read on.
 */
function line(mark: (x: number, y: number) => boolean): Mask {
  const width = 52, height = 20;
  const ink = new Uint8Array(width * height);
  const opening = (x: number, y: number) => y >= 3 && y < 8 && Math.abs(x - (2 + (y - 3))) <= 0.5;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const letter = (((x >= 9 && x < 16) || (x >= 17 && x < 24)) && y >= 6 && y < 17) || (x >= 41 && x < 48 && y >= 2 && y < 17);
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

describe('restoreLostTicks', () => {
  it('reads the unread backtick stroke after a word as its closing tick', () => {
    expect(chars(restoreLostTicks(read, 4, line(BACKTICK)))).toBe('`aa`b');
  });

  it('reads an unread opening tick before a word', () => {
    expect(chars(restoreLostTicks(read.slice(1), 4, line(() => false)))).toBe('`aab');
  });

  it('reads an unread upright stroke as an apostrophe', () => {
    expect(chars(restoreLostTicks(read, 4, line(APOSTROPHE)))).toBe("`aa'b");
  });

  it('reads two upright strokes side by side as one double quote', () => {
    const pair = (x: number, y: number) => y >= 3 && y < 8 && (x === 26 || x === 29);
    expect(chars(restoreLostTicks(read, 4, line(pair)))).toBe('`aa"b');
  });

  it('takes no glyph arm for an apostrophe (ink in the next column down the line)', () => {
    const arm = (x: number, y: number) => APOSTROPHE(x, y) || (x === 28 && y >= 9 && y < 14);
    expect(chars(restoreLostTicks(read, 4, line(arm)))).toBe('`aab');
  });

  it('reads a closing quote with a comma after it in the next columns, lower ("\'grep\',")', () => {
    const quoteComma = (x: number, y: number) => APOSTROPHE(x, y) || (x >= 28 && x <= 30 && y >= 12 && y < 17);
    const withComma = [...read.slice(0, 3), glyph(',', 7), read[3]!];
    expect(chars(restoreLostTicks(withComma, 4, line(quoteComma)))).toBe("`aa',b");
  });

  it('takes no upright stroke hanging low in the text band for an apostrophe', () => {
    // The next line's tops in rows 18–19 stretch the crop's inked rows; the band stays rows 2–16.
    const low = (x: number, y: number) => (y >= 6 && y < 11 && x === 27) || y >= 18;
    expect(chars(restoreLostTicks(read, 4, line(low)))).toBe('`aab');
  });

  it('adds no apostrophe on a character grid', () => {
    expect(chars(restoreLostTicks(read, 4, line(APOSTROPHE), { closingOnly: true }))).toBe('`aab');
  });

  it('leaves a dot with a stem under it (an i)', () => {
    const dotted = (x: number, y: number) => BACKTICK(x, y) || (x === 28 && y >= 10 && y < 17);
    expect(chars(restoreLostTicks(read, 4, line(dotted)))).toBe('`aab');
  });

  it('takes ink far under the stroke for the next line, not a stem', () => {
    // The line's band ends at row 16; a speck of the line below at rows 19–20 under the tick.
    const below = (x: number, y: number) => BACKTICK(x, y) || (x === 28 && y >= 19);
    expect(chars(restoreLostTicks(read, 4, line(below)))).toBe('`aa`b');
  });

  it('on a character grid, only closes open code', () => {
    expect(chars(restoreLostTicks(read.slice(1), 4, line(() => false), { closingOnly: true }))).toBe('aab');
    expect(chars(restoreLostTicks(read, 4, line(BACKTICK), { closingOnly: true }))).toBe('`aa`b');
  });

  it('leaves the stroke where the recogniser read a quote beside it', () => {
    const quoted = [...read.slice(0, 3), glyph('"', 8.5), glyph('b', 10.5)];
    expect(chars(restoreLostTicks(quoted, 4, line(BACKTICK)))).toBe('`aa"b');
  });

  it('leaves loose strokes beside Chinese glyphs', () => {
    const chinese = [...read.slice(0, 3), glyph('中', 10.5)];
    expect(chars(restoreLostTicks(chinese, 4, line(BACKTICK)))).toBe('`aa中');
  });

  it('adds nothing where the tick was read', () => {
    const closed = [...read.slice(0, 3), glyph('`', 6.5), glyph('b', 10.5)];
    expect(chars(restoreLostTicks(closed, 4, line(BACKTICK)))).toBe('`aa`b');
  });

  it('gives an opening tick the blank before its word ("a `b", not "a` b")', () => {
    // "a", a blank, a tick (columns 19–23) hugging a tall "b" (26–32).
    const width = 36, height = 20;
    const ink = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const letter = (x >= 2 && x < 9 && y >= 6 && y < 17) || (x >= 26 && x < 33 && y >= 2 && y < 17);
        if (letter || (y >= 3 && y < 8 && Math.abs(x - (19 + (y - 3))) <= 0.5)) ink[y * width + x] = 1;
      }
    }
    const spaced = [glyph('a', 1), { ...glyph('b', 7), spaceBefore: 0.9 }];
    const out = restoreLostTicks(spaced, 4, { ink, width, height });
    expect(out.map((g) => [g.char, g.spaceBefore])).toEqual([['a', 0], ['`', 0.9], ['b', 0]]);
  });
});
