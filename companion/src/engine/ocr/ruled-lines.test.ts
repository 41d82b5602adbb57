import { describe, expect, it } from 'vitest';
import { inkTest } from './char-grid';
import { findRules, framedTables } from './ruled-lines';
import type { Rgb } from './raster';

/** A white page with dark bands: [y0, y1, x0, x1] inclusive, inked every other cell half (dashes). */
function page(bands: [number, number, number, number][]): Rgb {
  const width = 1500, height = 60;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [y0, y1, x0, x1] of bands)
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) if ((x - x0) % 17 < 14) data.fill(30, (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { data, width, height };
}

describe('an `=` rule on a 2x page', () => {
  it('is one double rule, not a table of two, when its strokes are four rows thick and start in a line number', () => {
    // Strokes three and four rows thick, two rows apart, starting 5 px apart (each in another digit of the gutter).
    const img = page([[20, 22, 43, 1443], [25, 28, 38, 1441]]);
    const ink = inkTest(img);
    const rules = findRules(img, ink);
    expect(rules).toHaveLength(1);
    expect(rules[0]!.double).toBe(true);
    expect(framedTables(img, ink, rules)).toEqual([]);
  });
});
