import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { settleQuoteStrokes } from './quote-strokes';
import type { Rgb } from './raster';

type Rect = [x0: number, x1: number, y0: number, y1: number];
/** A small letter (x-height 8 px, baseline row 29) in the 10 px cell of time step `s`. */
const letter = (s: number): Rect => [10 * s + 2, 10 * s + 8, 22, 29];
/** A quote stroke high in the line, at column x. */
const stroke = (x: number): Rect => [x, x, 19, 22];

function settle(read: Array<[string, number]>, ink: Rect[]): string {
  const width = 80;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x0, x1, y0, y1] of ink) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = read.map(([char, s]): CtcChar => ({ char, start: s, end: s, prob: 0.9, spaceBefore: 0 }));
  const line = { chars, pxPerStep: 10 };
  settleQuoteStrokes([line], [{ data, width, height } as Rgb]);
  return line.chars.map((c) => c.char).join('');
}

describe('single quotes read as double ones', () => {
  const read: Array<[string, number]> = [['“', 1], ['r', 2], ['p', 3], ['m', 4], ['"', 5]];
  const letters = [letter(2), letter(3), letter(4)];

  it('reads a quote of one stroke as `\'` ("“rpm"" over \'rpm\')', () => {
    expect(settle(read, [...letters, stroke(15), stroke(55)])).toBe("'rpm'");
  });

  it('reads an asterisk of one thin stroke as `\'` ("\'auto*" over \'auto\') and keeps a star', () => {
    const auto: Array<[string, number]> = [["'", 1], ['r', 2], ['p', 3], ['m', 4], ['*', 5]];
    expect(settle(auto, [...letters, stroke(15), stroke(55)])).toBe("'rpm'");
    expect(settle(auto, [...letters, stroke(15), [53, 57, 18, 22]])).toBe("'rpm*");
  });

  it('keeps a closing double quote whose second stroke touches the bracket after it, when its partner shows two ("default="x"]")', () => {
    const quoted: Array<[string, number]> = [['"', 1], ['r', 2], ['p', 3], ['m', 4], ['"', 5], [']', 6]];
    // The opening quote's two strokes; the closing one's first stroke alone, its second joined to a tall bracket.
    const bracket: Rect[] = [[57, 58, 19, 31], [59, 63, 19, 20], [59, 63, 30, 31]];
    expect(settle(quoted, [...letters, stroke(13), stroke(16), stroke(54), ...bracket])).toBe('"rpm"]');
  });

  it('keeps a quote of two strokes, and one drawn as a wide blob (two strokes run together)', () => {
    expect(settle(read, [...letters, stroke(13), stroke(16), [54, 57, 19, 22]])).toBe('“rpm"');
  });
});
