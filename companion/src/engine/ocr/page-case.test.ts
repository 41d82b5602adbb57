import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { settleCaseByPage } from './page-case';
import type { Rgb } from './raster';

const BASELINE = 30;

/** A line crop: one black block per glyph (10 px a time step) of the given height on one baseline. */
function line(text: string, heights: number[], cropHeight = 40): { chars: CtcChar[]; pxPerStep: number; crop: Rgb } {
  const width = 10 * text.length + 10;
  const data = new Uint8Array(width * cropHeight * 3).fill(255);
  heights.forEach((h, s) => {
    for (let y = BASELINE - h; y < BASELINE; y++) for (let x = s * 10 + 2; x < s * 10 + 8; x++) data.set([0, 0, 0], (y * width + x) * 3);
  });
  const chars = [...text].map((char, s): CtcChar => ({ char, start: s, end: s, prob: 0.9, spaceBefore: 0 }));
  return { chars, pxPerStep: 10, crop: { data, width, height: cropHeight } };
}

const settle = (...ls: Array<ReturnType<typeof line>>) => {
  settleCaseByPage(ls, ls.map((l) => l.crop));
  return ls.map((l) => l.chars.map((c) => c.char).join(''));
};

describe('case by the page’s letters of the same size', () => {
  // Lines with both an x-height (a e n: 10 px) and a cap height (B, D: 14 px).
  const page = () => [line('aneB', [10, 10, 10, 14]), line('Dane', [14, 10, 10, 10])];

  it('sets the case of a piece with no letter of its own to measure against ("oct" → "Oct", a lone "c" → "C")', () => {
    expect(settle(...page(), line('oct', [14, 10, 13]), line('c', [14])).slice(2)).toEqual(['Oct', 'C']);
  });

  it('leaves lines that measure themselves, and pieces of another size, alone', () => {
    expect(settle(...page(), line('aOe', [10, 10, 10]), line('c', [14], 60)).slice(2)).toEqual(['aOe', 'c']);
  });

  it('makes no call without two lines to borrow from', () => {
    expect(settle(line('aneB', [10, 10, 10, 14]), line('c', [14]))[1]).toBe('c');
  });

  it('measures a piece by its own ascenders before the page (a heading\'s "cwd" read "CWd", its small letters as tall as the body\'s capitals)', () => {
    expect(settle(...page(), line('CWd', [14, 14, 20]))[2]).toBe('cwd');
    expect(settle(...page(), line('cWd', [19, 19, 20]))[2]).toBe('CWd');
  });
});
