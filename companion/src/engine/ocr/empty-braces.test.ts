import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { restoreEmptyBraces } from './empty-braces';
import type { Rgb } from './raster';

type Pixel = [x: number, y: number];
/** A 2 px stroke down rows 14–29, shifted right by `offsets[row]`, from column `x` (mirrored: shifted left from `x + 3`). */
const stroke = (x: number, offsets: readonly number[], mirrored = false): Pixel[] =>
  offsets.flatMap((o, k): Pixel[] => (mirrored ? [[x + 3 - o, 14 + k], [x + 2 - o, 14 + k]] : [[x + o, 14 + k], [x + o + 1, 14 + k]]));
const PAREN = [0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 0];
const BRACE = [0, 1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0];
/** An `a` of x-height in the 10 px cell of time step `s`. */
const a = (s: number): Pixel[] => Array.from({ length: 40 }, (_, k): Pixel => [10 * s + 2 + (k % 5), 22 + Math.floor(k / 5)]);

/** One line crop (white ground, black `ink`) read as `read`, 10 px a time step: its text after the rule. */
function restore(read: Array<[string, number]>, ink: Pixel[]): string {
  const width = 80;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x, y] of ink) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = read.map(([char, s]): CtcChar => ({ char, start: s, end: s, prob: 0.9, spaceBefore: 0 }));
  const line = { chars, pxPerStep: 10 };
  const crop: Rgb = { data, width, height };
  restoreEmptyBraces([line], [crop]);
  return line.chars.map((c) => (c.spaceBefore >= 0.5 ? ' ' : '') + c.char).join('');
}

describe('empty braces', () => {
  const pair = [...stroke(30, BRACE, true), ...stroke(36, BRACE)];
  it('reads a pair read as `0`, as one brace or as nothing as `{}`', () => {
    expect(restore([['a', 1], ['=', 2], ['0', 3]], [...a(1), [24, 24], [25, 24], ...pair])).toBe('a={}');
    expect(restore([['a', 1], ['{', 3]], [...a(1), ...pair])).toBe('a{}');
    expect(restore([['a', 1]], [...a(1), ...pair])).toBe('a {}');
    expect(restore([['a', 1], ['a', 2]], [...a(1), ...a(2), ...pair])).toBe('aa{}');
    expect(restore([['a', 1], ['=', 2], ['0', 3], ['a', 5]], [...a(1), [24, 24], [25, 24], ...pair, ...a(5)])).toBe('a={}a');
  });

  it('leaves a ring read right after a name: a call’s `()`', () => {
    expect(restore([['a', 1], ['0', 3]], [...a(1), ...pair])).toBe('a0');
  });

  it('leaves parens, and a pair with ink between', () => {
    expect(restore([['a', 1], ['=', 2], ['0', 3]], [...a(1), [24, 24], [25, 24], ...stroke(30, PAREN, true), ...stroke(36, PAREN)])).toBe('a=0');
    expect(restore([['a', 1], ['(', 3], [')', 4]], [...a(1), ...pair])).toBe('a()');
    expect(restore([['a', 1], ['=', 2], ['0', 3]], [...a(1), [24, 24], [25, 24], ...stroke(28, BRACE, true), [34, 22], [35, 22], ...stroke(38, BRACE)])).toBe('a=0');
  });
});
