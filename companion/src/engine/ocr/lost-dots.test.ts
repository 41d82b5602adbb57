import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { restoreLostDots } from './lost-dots';
import type { Rgb } from './raster';

type Rect = [x0: number, x1: number, y0: number, y1: number];
/** A small letter (x-height 8 px, baseline row 29) in the 10 px cell of time step `s`. */
const letter = (s: number): Rect => [10 * s + 2, 10 * s + 8, 22, 29];
/** A slash's stand-in: a tall bar in the cell of step `s`. */
const tall = (s: number): Rect => [10 * s + 4, 10 * s + 5, 16, 30];
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
  restoreLostDots([line], [crop]);
  return line.chars.map((c) => c.char).join('');
}

describe('dots left unread', () => {
  const around = [letter(0), letter(1), letter(5), letter(6)];
  it('puts back a baseline dot no spike sits on (`aa/aa` over `aa./aa` → `aa./aa`)', () => {
    expect(restore([['a', 0], ['a', 1], ['/', 3], ['a', 5], ['a', 6]], [...around, dot(24), tall(3)])).toBe('aa./aa');
  });

  it('takes no dot under other ink, none off the baseline and none a spike sits on', () => {
    expect(restore([['a', 0], ['a', 1], ['/', 3], ['a', 5], ['a', 6]], [...around, dot(24), [24, 25, 18, 20], tall(3)])).toBe('aa/aa');
    expect(restore([['a', 0], ['a', 1], ['/', 3], ['a', 5], ['a', 6]], [...around, dot(24, 25), tall(3)])).toBe('aa/aa');
    expect(restore([['a', 0], ['a', 1], [',', 2], ['/', 3], ['a', 5], ['a', 6]], [...around, dot(24), tall(3)])).toBe('aa,/aa');
  });
});
