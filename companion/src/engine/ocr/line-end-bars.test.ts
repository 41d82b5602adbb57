import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import type { Mask } from './glyph-shape';
import { restoreLineEndBar } from './line-end-bars';

/** A 24-row line: two glyph blocks (columns 2–13 and 16–27, rows 4–17: the baseline at 17), then `extra` ink. */
function line(extra: (x: number, y: number) => boolean): Mask {
  const width = 44, height = 24;
  const ink = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const block = ((x >= 2 && x < 14) || (x >= 16 && x < 28)) && y >= 4 && y < 18;
      if (block || extra(x, y)) ink[y * width + x] = 1;
    }
  }
  return { ink, width, height };
}

/** A glyph whose spike sits at column `px` (4 px a step). */
const at = (char: string, px: number): CtcChar => ({ char, start: px / 4 - 0.5, end: px / 4 - 0.5, prob: 0.9, spaceBefore: 0 });
const read = [at('中', 7.5), at('文', 21.5)];
const chars = (gs: CtcChar[]) => gs.map((g) => g.char).join('');
/** A bar from above the glyphs to below their baseline. */
const BAR = (x: number, y: number) => x === 35 && y >= 2 && y < 21;

describe('restoreLineEndBar', () => {
  it('appends the dropped bar after a blank, spaced off the text', () => {
    const out = restoreLineEndBar(read, 4, line(BAR));
    expect(chars(out)).toBe('中文|');
    expect(out[2]!.spaceBefore).toBeGreaterThanOrEqual(0.5);
  });

  it('reads a bar taken for a full-width exclamation mark or corner bracket as the bar', () => {
    expect(chars(restoreLineEndBar([...read, at('！', 35.5)], 4, line(BAR)))).toBe('中文|');
    expect(chars(restoreLineEndBar([...read, at('」', 35.5)], 4, line(BAR)))).toBe('中文|');
  });

  it('takes no stroke that stops on the baseline (an l) for a bar', () => {
    expect(chars(restoreLineEndBar(read, 4, line((x, y) => x === 35 && y >= 2 && y < 18)))).toBe('中文');
  });

  it('keeps an exclamation mark with its dot apart', () => {
    const bang = (x: number, y: number) => x === 35 && ((y >= 4 && y < 14) || (y >= 16 && y < 18));
    expect(chars(restoreLineEndBar([...read, at('！', 35.5)], 4, line(bang)))).toBe('中文！');
  });

  it('keeps a corner bracket with its foot', () => {
    const bracket = (x: number, y: number) => (x === 35 && y >= 2 && y < 21) || (y === 20 && x >= 30 && x <= 35);
    expect(chars(restoreLineEndBar([...read, at('」', 35.5)], 4, line(bracket)))).toBe('中文」');
  });

  it('adds nothing after a bar that was read', () => {
    expect(chars(restoreLineEndBar([...read, at('|', 34.5)], 4, line(BAR)))).toBe('中文|');
  });
});
