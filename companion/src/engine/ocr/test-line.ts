import type { CtcChar } from './ctc';
import type { Rgb } from './raster';

/** Test helper: a line crop drawn from rectangles of ink, read one glyph per 10 px time step. */
export type Rect = [x0: number, x1: number, y0: number, y1: number];
/** A small letter (x-height 8 px, baseline row 29) in the 10 px cell of time step `s`. */
export const letter = (s: number): Rect => [10 * s + 2, 10 * s + 8, 22, 29];
export const dot = (x: number, y1 = 29): Rect => [x, x + 1, y1 - 1, y1];

type LineFix = (lines: Array<{ chars: CtcChar[]; pxPerStep: number }>, crops: Rgb[]) => void;

/** One line crop (white ground, black `ink`) read as `read`, passed through `fix`: the text it leaves. */
export function fixedReading(fix: LineFix, read: Array<[string, number]>, ink: Rect[]): string {
  const width = 100;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x0, x1, y0, y1] of ink) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = read.map(([char, s]): CtcChar => ({ char, start: s, end: s, prob: 0.9, spaceBefore: 0 }));
  const line = { chars, pxPerStep: 10 };
  fix([line], [{ data, width, height }]);
  return line.chars.map((c) => c.char).join('');
}
