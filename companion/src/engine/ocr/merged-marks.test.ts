import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { restoreMergedMarks } from './merged-marks';
import type { Rgb } from './raster';

type Pixel = [x: number, y: number];
/** A slash 4 px wide and 16 px tall (rows 14–29) starting at column `x`. */
const slash = (x: number): Pixel[] => Array.from({ length: 16 }, (_, k): Pixel[] => [[x + 3 - Math.floor(k / 4), 14 + k], [x + 4 - Math.floor(k / 4), 14 + k]]).flat();
/** A small letter (x-height 8 px, baseline row 29) in the 10 px cell of time step `s`. */
const letter = (s: number): Pixel[] => Array.from({ length: 8 * 6 }, (_, k): Pixel => [10 * s + 2 + (k % 6), 22 + Math.floor(k / 6)]);

/** One line crop (white ground, black `ink`) read as `read`: one time step each, 10 px a step. */
function restore(read: Array<[string, number]>, ink: Pixel[]): string {
  const width = 100;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x, y] of ink) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = read.map(([char, s]): CtcChar => ({ char, start: s, end: s, prob: 0.9, spaceBefore: 0 }));
  const crop: Rgb = { data, width, height };
  const line = { chars, pxPerStep: 10 };
  restoreMergedMarks([line], [crop]);
  return line.chars.map((c) => c.char).join('');
}

describe('marks CTC merged', () => {
  it('writes a slash again where its twin stands beside it and no glyph was read on it ("a/a" over two slashes → "a//a")', () => {
    expect(restore([['a', 0], ['/', 2], ['a', 5]], [...letter(0), ...slash(22), ...slash(30), ...letter(5)])).toBe('a//a');
  });

  it('leaves the `)` after a `0` read for a call\'s parens to the rules that write them (`0)` over `())`)', () => {
    expect(restore([['a', 0], ['0', 2], [')', 3], ['a', 6]], [...letter(0), ...letter(2), ...slash(30), ...slash(38), ...letter(6)])).toBe('a0)a');
    expect(restore([['a', 0], ['b', 2], [')', 3], ['a', 6]], [...letter(0), ...letter(2), ...slash(30), ...slash(38), ...letter(6)])).toBe('ab))a');
  });

  it('leaves it alone where the blob beside it is another glyph’s or no twin', () => {
    // A glyph read on the second slash: it is that glyph.
    expect(restore([['a', 0], ['/', 2], ['l', 3], ['a', 5]], [...letter(0), ...slash(22), ...slash(30), ...letter(5)])).toBe('a/la');
    // A spike lagging a few columns behind the ink it reads (on no ink of its own) claims it too.
    expect(restore([['a', 0], ['/', 2], ['l', 3.2], ['a', 5]], [...letter(0), ...slash(22), ...slash(30), ...letter(5)])).toBe('a/la');
    // A letter beside the slash is no twin.
    expect(restore([['a', 0], ['/', 2], ['a', 5]], [...letter(0), ...slash(22), ...letter(3), ...letter(5)])).toBe('a/a');
  });
});
