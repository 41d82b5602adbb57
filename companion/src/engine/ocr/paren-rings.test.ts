import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import type { Mask } from './glyph-shape';
import { emptyParensByShape } from './paren-rings';

const PX_PER_STEP = 4;
const BASELINE = 30;

/** A line crop's ink: each glyph a ring (outline) from `top` to `bottom`, 6 px wide, one every 10 px. */
function line(glyphs: Array<{ char: string; top: number; bottom: number }>): { mask: Mask; chars: CtcChar[] } {
  const width = 10 * glyphs.length + 10, height = 40;
  const ink = new Uint8Array(width * height);
  const chars = glyphs.map(({ char, top, bottom }, k) => {
    const x0 = 5 + 10 * k;
    for (let y = top; y <= bottom; y++) for (let x = x0; x < x0 + 6; x++) if (y === top || y === bottom || x === x0 || x === x0 + 5) ink[y * width + x] = 1;
    const step = Math.round((x0 + 3) / PX_PER_STEP - 0.5);
    return { char, start: step, end: step, prob: 0.9, spaceBefore: 0 };
  });
  return { mask: { ink, width, height }, chars };
}

const letter = (char: string) => ({ char, top: BASELINE - 7, bottom: BASELINE });
const capital = (char: string) => ({ char, top: BASELINE - 10, bottom: BASELINE });
const text = (chars: CtcChar[]) => chars.map((c) => c.char).join('');

describe('an empty argument list read as one ring', () => {
  it('is `()` where the ring hangs below the baseline (the parens touching in a sans font)', () => {
    const { mask, chars } = line([letter('m'), letter('o'), capital('D'), letter('e'), { char: '0', top: BASELINE - 13, bottom: BASELINE + 3 }]);
    expect(text(emptyParensByShape(chars, PX_PER_STEP, mask))).toBe('moDe()');
  });

  it('leaves a zero or a capital O standing on the baseline', () => {
    const { mask, chars } = line([letter('m'), letter('e'), letter('n'), capital('D'), { char: '0', top: BASELINE - 10, bottom: BASELINE }, capital('O')]);
    expect(text(emptyParensByShape(chars, PX_PER_STEP, mask))).toBe('menD0O');
  });
});
