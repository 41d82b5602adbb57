import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { spaceLine } from './spacing';
import type { Rgb } from './raster';

/** A white crop with black blocks where the glyphs are (10 px a time step, 12 px of ink tall): an empty step is a 12 px blank. */
function crop(glyphSteps: number[], width: number): Rgb {
  const height = 20;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const s of glyphSteps) for (let y = 4; y < 16; y++) for (let x = s * 10 + 1; x < s * 10 + 9; x++) data.set([0, 0, 0], (y * width + x) * 3);
  return { data, width, height };
}

/** Glyphs at time steps, with no space probability at all (as the recogniser gives on a Chinese line). */
const line = (glyphs: Array<[string, number]>) => spaceLine(glyphs.map(([char, step]): CtcChar => ({ char, start: step, end: step, prob: 0.99, spaceBefore: 0 })), 10, crop(glyphs.map(([, s]) => s), 10 * glyphs[glyphs.length - 1]![1] + 20));

describe('Latin spaces on a Chinese line', () => {
  it('spaces a comma from the flag after it where the image has a blank ("-m,--chars" → "-m, --chars")', () => {
    expect(line([['m', 0], [',', 1], ['-', 3], ['x', 4], ['中', 7]])).toBe('m, -x 中');
    expect(line([['1', 0], [',', 1], ['0', 2], ['中', 4]])).toBe('1,0 中');
  });

  it('spaces a dash standing alone between blanks ("clean- 删除" → "clean - 删除"), not a hyphen in a word', () => {
    expect(line([['n', 0], ['-', 2], ['删', 4]])).toBe('n - 删');
    expect(line([['a', 0], ['-', 1], ['b', 2], ['删', 4]])).toBe('a-b 删');
  });
});
