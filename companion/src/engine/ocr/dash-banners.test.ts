import { describe, expect, it } from 'vitest';
import { dashBanner } from './dash-banners';
import type { Rgb } from './raster';

const HEIGHT = 22;

/** A white line crop, black ink: slashes (2 px strokes, rows 3..18, top 4 px right of the foot), then `n` dashes (`bar` px long, every `pitch` px, on row 11), then letters if asked. */
function crop({ slashes = 0, gap = 2, n = 40, bar = 4, pitch = 5, letters = false, solid = false }): Rgb {
  const width = 30 + n * pitch + (letters ? 60 : 0) + 20;
  const data = new Uint8Array(width * HEIGHT * 3).fill(255);
  const ink = (x: number, y: number) => data.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  let x = 4;
  for (let s = 0; s < slashes; s++, x += 6) {
    for (let y = 3; y <= 18; y++) {
      const at = Math.round(x + 4 - (4 * (y - 3)) / 15);
      ink(at, y);
      ink(at + 1, y);
    }
  }
  x += gap;
  for (let k = 0; k < n; k++) for (let c = 0; c < (solid ? pitch : bar); c++) ink(x + k * pitch + c, 11);
  x += n * pitch + 4;
  // A word after the dashes: stems and bowls.
  if (letters) for (let k = 0; k < 6; k++) for (let y = 6; y <= 16; y++) ink(x + k * 8, y);
  return { data, width, height: HEIGHT };
}

describe('comment banners in proportional type, from their one stroke', () => {
  it('counts the dashes on the stroke\'s period and puts back the `//` the reading lost', () => {
    expect(dashBanner(crop({ slashes: 2, n: 78 }), '-------------------------------')).toBe('//' + '-'.repeat(78));
    expect(dashBanner(crop({ slashes: 2, n: 40, gap: 7 }), '// -----------')).toBe('// ' + '-'.repeat(40));
    // Hyphens half a wide cell long (monospace), the bar alone.
    expect(dashBanner(crop({ n: 30, bar: 4, pitch: 8 }), '— — — -------—---')).toBe('-'.repeat(30));
  });

  it('reads a ruled line boxed but read as nothing only where the box was put round it', () => {
    expect(dashBanner(crop({ slashes: 2, n: 50 }), '', true)).toBe('//' + '-'.repeat(50));
    expect(dashBanner(crop({ slashes: 2, n: 50 }), '')).toBeUndefined();
  });

  it('leaves other lines alone: text on the line, a solid rule, a reading that is no dash run', () => {
    expect(dashBanner(crop({ slashes: 2, n: 40, letters: true }), '//------------ words')).toBeUndefined();
    expect(dashBanner(crop({ n: 40, solid: true }), '----------------')).toBeUndefined();
    expect(dashBanner(crop({ slashes: 2, n: 40 }), 'const x = 1;')).toBeUndefined();
    // Too short to be a banner (three line heights at least).
    expect(dashBanner(crop({ slashes: 2, n: 8 }), '//--------')).toBeUndefined();
  });
});
