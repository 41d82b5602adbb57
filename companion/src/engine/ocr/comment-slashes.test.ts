import { describe, expect, it } from 'vitest';
import { slashesOpeningLine } from './comment-slashes';
import type { Rgb } from './raster';

/** A white line crop with black strokes: each from (x at the top) to (x + shift at the foot), 2 px thick, rows 4..15; then a word's block. */
function crop(strokes: Array<[number, number]>, word = true): Rgb {
  const width = 60, height = 20;
  const data = new Uint8Array(width * height * 3).fill(255);
  const ink = (x: number, y: number) => data.fill(0, (y * width + x) * 3, (y * width + x) * 3 + 3);
  for (const [x, shift] of strokes) {
    for (let y = 4; y <= 15; y++) {
      const at = Math.round(x + (shift * (y - 4)) / 11);
      ink(at, y);
      ink(at + 1, y);
    }
  }
  if (word) for (let y = 8; y <= 15; y++) for (let x = 30; x < 40; x++) if (y === 8 || y === 15 || x === 30 || x === 39) ink(x, y);
  return { data, width, height };
}

describe('a comment\'s `//` read as bars', () => {
  it('is `//` where the first two strokes slant like slashes', () => {
    const slashes = crop([[9, -4], [16, -4]]);
    expect(slashesOpeningLine('III do something', slashes)).toBe('// do something');
    expect(slashesOpeningLine('  /I/ create runner', slashes)).toBe('  // create runner');
  });

  it('is `//` where a box holds nothing but two such strokes (its text boxed apart), not two bars', () => {
    expect(slashesOpeningLine('1/', crop([[9, -4], [16, -4]], false))).toBe('//');
    expect(slashesOpeningLine('11', crop([[9, -4], [16, -4]], false))).toBe('//');
    expect(slashesOpeningLine('ll', crop([[6, 0], [13, 0]], false))).toBe('ll');
    expect(slashesOpeningLine('II', crop([[9, -4], [16, -4]]))).toBe('II');
  });

  it('leaves upright bars (`ll -a`, a numeral) and other openings alone', () => {
    const bars = crop([[6, 0], [13, 0]]);
    expect(slashesOpeningLine('ll -a', bars)).toBe('ll -a');
    expect(slashesOpeningLine('II do', bars)).toBe('II do');
    expect(slashesOpeningLine('this.visit(node)', crop([[9, -4], [16, -4]]))).toBe('this.visit(node)');
  });
});
