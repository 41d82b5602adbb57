import type { CtcChar } from './ctc';
import { CAP_HEIGHT, glyphBlobs, X_HEIGHT, type Mask } from './glyph-shape';
import { median } from './median';

/**
 * An empty argument list read as one round glyph (`.strictCommands()` → `.strictCommands0`,
 * `append()` → `append0`): in a sans-serif body font the two parens of `()` touch at top and
 * bottom, and their ink is one ring. A ring that hangs below the baseline is no `0` or `O` (both
 * stand on it): it is the parens, which reach from the ascenders down to the descenders.
 */
export const PAREN_RING = {
  /** Below the baseline by at least this share of the x-height (and 2 px). */
  minDescent: 0.2,
  /** At least this many x-heights tall (a `0` is about 1.4, `()` about 2). */
  minHeight: 1.6,
} as const;

export function emptyParensByShape(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask): CtcChar[] {
  if (!glyphs.some((g, i) => i > 0 && /^[0O]$/.test(g.char))) return [...glyphs];
  const own = glyphBlobs(glyphs, pxPerStep, mask);
  const standing = own.flatMap((b, i) => (b && (X_HEIGHT.test(glyphs[i]!.char) || CAP_HEIGHT.test(glyphs[i]!.char)) ? [b] : []));
  const small = own.flatMap((b, i) => (b && X_HEIGHT.test(glyphs[i]!.char) ? [b] : []));
  if (standing.length < 3 || small.length < 2) return [...glyphs];
  const baseline = median(standing.map((b) => b.bottom));
  const xh = median(small.map((b) => baseline - b.top + 1));
  if (xh < 5) return [...glyphs];
  const out: CtcChar[] = [];
  glyphs.forEach((g, i) => {
    const b = own[i];
    // Right after the call's name (no space before it), as calls are written.
    const ring = i > 0 && /^[0O]$/.test(g.char) && g.spaceBefore < 0.5 && b !== undefined && b.bottom - baseline >= Math.max(2, PAREN_RING.minDescent * xh) && b.bottom - b.top + 1 >= PAREN_RING.minHeight * xh;
    if (!ring) return out.push(g);
    out.push({ ...g, char: '(', end: g.start }, { ...g, char: ')', start: g.end, spaceBefore: 0 });
  });
  return out;
}
