import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { restoreMergedDots } from './merged-dots';
import type { Rgb } from './raster';

type Rect = [x0: number, x1: number, y0: number, y1: number];
/** A small letter (x-height 8 px, baseline row 29) in the 10 px cell of time step `s`. */
const letter = (s: number): Rect => [10 * s + 2, 10 * s + 8, 22, 29];
const dot = (x: number, y1 = 29): Rect => [x, x + 1, y1 - 1, y1];

/** One line crop (white ground, black `ink`) read as `read`: one time step each, 10 px a step. */
function restore(read: Array<[string, number]>, ink: Rect[]): string {
  const width = 100;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x0, x1, y0, y1] of ink) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = read.map(([char, s]): CtcChar => ({ char, start: s, end: s, prob: 0.9, spaceBefore: 0 }));
  const crop: Rgb = { data, width, height };
  const line = { chars, pxPerStep: 10 };
  restoreMergedDots([line], [crop]);
  return line.chars.map((c) => c.char).join('');
}

describe('dots CTC merged', () => {
  const around = [letter(0), letter(1), letter(6)];

  it('gives a run of dots every dot the crop shows between its neighbours ("a.." over three dots → "a...")', () => {
    expect(restore([['a', 0], ['a', 1], ['.', 3], ['.', 4], ['a', 6]], [...around, dot(24), dot(32), dot(40)])).toBe('aa...a');
  });

  it('counts no comma (its head reaches below the baseline) and no fleck off the dots’ pitch', () => {
    expect(restore([['a', 0], ['a', 1], ['.', 3], ['.', 4], ['a', 6]], [...around, dot(24), dot(32), dot(40, 31)])).toBe('aa..a');
    expect(restore([['a', 0], ['a', 1], ['.', 3], ['.', 4], ['a', 6]], [...around, dot(22), dot(30), dot(50)])).toBe('aa..a');
  });

  it('leaves a run alone where it was read whole', () => {
    expect(restore([['a', 0], ['a', 1], ['.', 2], ['.', 3], ['.', 4], ['a', 6]], [...around, dot(24), dot(32), dot(40)])).toBe('aa...a');
  });
});
