import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { restoreLostBraces } from './lost-braces';
import type { Rgb } from './raster';

type Pixel = [x: number, y: number];
/** A 2 px stroke down rows 14–29, shifted right by `offsets[row]`, from column `x` (mirrored: shifted left from `x + 3`). */
const stroke = (x: number, offsets: readonly number[], mirrored = false): Pixel[] =>
  offsets.flatMap((o, k): Pixel[] => (mirrored ? [[x + 3 - o, 14 + k], [x + 2 - o, 14 + k]] : [[x + o, 14 + k], [x + o + 1, 14 + k]]));
const PAREN = [0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 0];
const BRACE = [0, 1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0];
/** An `a` of x-height in the 10 px cell of time step `s`. */
const a = (s: number): Pixel[] => Array.from({ length: 40 }, (_, k): Pixel => [10 * s + 2 + (k % 5), 22 + Math.floor(k / 5)]);

/** One line crop (white ground, black `ink`) read as `read` (spaces as `[' ', s]`), 10 px a time step: its glyphs after the rule, a space where one is likely. */
function restore(read: Array<[string, number]>, ink: Pixel[]): string {
  const width = 100;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x, y] of ink) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = read.map(([char, s]): CtcChar => ({ char, start: s, end: s, prob: 0.9, spaceBefore: 0 }));
  const line = { chars, pxPerStep: 10 };
  const crop: Rgb = { data, width, height };
  restoreLostBraces([line], [crop]);
  return line.chars
    .filter((c) => c.char !== ' ')
    .map((c) => (c.spaceBefore >= 0.5 ? ' ' : '') + c.char)
    .join('');
}

describe('lost braces', () => {
  it('puts back a brace read as nothing at the end of a line and between words, spaced as its blanks are', () => {
    expect(restore([['a', 1], ['a', 2]], [...a(1), ...a(2), ...stroke(45, BRACE, true)])).toBe('aa {');
    expect(restore([['a', 1], ['a', 7]], [...a(1), ...stroke(42, BRACE), ...a(7)])).toBe('a } a');
    expect(restore([['a', 1], ['a', 2]], [...a(1), ...a(2), ...stroke(30, BRACE)])).toBe('aa}');
  });

  it('leaves a paren read as nothing, and a brace a glyph was read on', () => {
    expect(restore([['a', 1], ['a', 2]], [...a(1), ...a(2), ...stroke(45, PAREN, true)])).toBe('aa');
    expect(restore([['a', 1], ['a', 2], ['(', 4.5]], [...a(1), ...a(2), ...stroke(45, BRACE, true)])).toBe('aa(');
  });

  it('takes the ink for a paren where a paren pairs the line better (`(a` with its `)` unread)', () => {
    expect(restore([['(', 1], ['a', 2]], [...stroke(10, PAREN, true), ...a(2), ...stroke(45, BRACE)])).toBe('(a');
    expect(restore([['{', 1], ['a', 2]], [...stroke(10, BRACE, true), ...a(2), ...stroke(45, BRACE)])).toBe('{a }');
  });

  it('takes no part of a Chinese character for a brace', () => {
    expect(restore([['单', 1], ['a', 7]], [...a(1), ...stroke(42, BRACE), ...a(7)])).toBe('单a');
  });
});
