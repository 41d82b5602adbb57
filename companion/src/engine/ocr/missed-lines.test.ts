import { describe, expect, it } from 'vitest';
import { withMissedLines } from './missed-lines';
import type { Rect, Rgb } from './raster';

/** A white page 400 × 200 with black ink rectangles [x0, y0, x1, y1). */
function page(inks: Rect[]): Rgb {
  const width = 400;
  const height = 200;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x0, y0, x1, y1] of inks) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data.set([0, 0, 0], (y * width + x) * 3);
  return { data, width, height };
}

/** Text lines 20 px apart (boxes 18 px tall, ink 12 px tall inside), starting at y = 10. */
const lineBox = (row: number, x0: number, x1: number): Rect => [x0, 10 + 20 * row, x1, 28 + 20 * row];
const lineInk = (row: number, x0: number, x1: number): Rect => [x0, 13 + 20 * row, x1, 25 + 20 * row];

describe('short lines the detector missed', () => {
  const detected = [lineBox(0, 20, 200), lineBox(1, 20, 180), lineBox(3, 20, 220), lineBox(4, 20, 160)];
  const ink = [lineInk(0, 24, 196), lineInk(1, 24, 176), lineInk(3, 24, 216), lineInk(4, 24, 156)];

  it('boxes a lone closing brace standing in the line rhythm between detected lines', () => {
    const found = withMissedLines(page([...ink, lineInk(2, 40, 46)]), detected).slice(detected.length);
    expect(found).toHaveLength(1);
    const [x0, y0, x1, y1] = found[0]!;
    // As tall as the page's boxes, round the ink at row 2 (y 53–65).
    expect(y0).toBeLessThanOrEqual(53);
    expect(y1).toBeGreaterThanOrEqual(65);
    expect(y1 - y0).toBeLessThanOrEqual(20);
    expect(x0).toBeLessThan(40);
    expect(x1).toBeGreaterThan(46);
  });

  it('leaves alone a thin bar (a table rule), ink right beside a detected box, and a long missed line', () => {
    const bar = lineInk(2, 40, 42);
    const besideBox = lineInk(1, 184, 190);
    const long = lineInk(2, 60, 160);
    expect(withMissedLines(page([...ink, bar, besideBox, long]), detected)).toEqual(detected);
  });

  it('boxes again from its ink a detected box far shorter than the lines (the middle of a brace)', () => {
    const tiny: Rect = [41, 57, 45, 63];
    const out = withMissedLines(page([...ink, lineInk(2, 40, 46)]), [...detected, tiny]);
    expect(out).not.toContainEqual(tiny);
    expect(out).toHaveLength(detected.length + 1);
    const last = out[out.length - 1]!;
    expect(last[3] - last[1]).toBeGreaterThanOrEqual(12);
  });

  it('adds nothing where the page has too few lines to know their height', () => {
    expect(withMissedLines(page([lineInk(0, 24, 196), lineInk(2, 40, 46)]), [lineBox(0, 20, 200)])).toEqual([lineBox(0, 20, 200)]);
  });
});
