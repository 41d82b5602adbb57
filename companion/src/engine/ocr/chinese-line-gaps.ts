import type { CtcChar } from './ctc';
import { isIdeograph } from './lookalikes';

/**
 * Spaces between Latin marks on a line with Chinese on it, where the recogniser's space class is
 * silent (it gives ~0 there even for a typed space), so the blank alone decides:
 * - after a comma or semicolon (ASCII, or full-width after Latin) before a letter or a dash ("-m, --chars", "列表, --sections"; "1,000" and "a,b" leave no blank);
 * - before a dash standing alone, a blank either side of it ("clean - 删除", "catman - 用于");
 *   a hyphen inside a word or flag ("dselect-upgrade", "--build") has its neighbours close.
 * Undefined: not such a place (the usual rules apply).
 */
export const CHINESE_LINE_GAPS = {
  /** A blank this many times the line's ink height (Chinese glyphs' height) is a typed space. */
  gapRatio: 0.24,
  /** Around a lone dash: both blanks at least this share of the ink height. */
  dashRatio: 0.25,
} as const;

export function chineseLineSpace(glyphs: readonly CtcChar[], i: number, gaps: readonly number[], inkHeight: number): boolean | undefined {
  const a = glyphs[i - 1]!.char;
  const b = glyphs[i]!.char;
  const gap = gaps[i - 1]!;
  // A full-width comma after Latin is the ASCII one read in a Chinese font (made ASCII later).
  const comma = /^[,;]$/.test(a) || (/^[，；]$/.test(a) && /^[\x21-\x7E]$/.test(glyphs[i - 2]?.char ?? ''));
  if (comma && /^[A-Za-z-]$/.test(b)) return gap >= Math.max(2, CHINESE_LINE_GAPS.gapRatio * inkHeight);
  const after = glyphs[i + 1];
  if (b === '-' && /^[A-Za-z0-9)\]>]$/.test(a) && after && (isIdeograph(after.char) || after.spaceBefore >= 0.5)) {
    const min = Math.max(3, CHINESE_LINE_GAPS.dashRatio * inkHeight);
    return gap >= min && gaps[i]! >= min ? true : undefined;
  }
  return undefined;
}
