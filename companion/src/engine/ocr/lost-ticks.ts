import type { CtcChar } from './ctc';
import { inkBlobs, textBand, type Blob, type Mask } from './glyph-shape';
import { isIdeograph } from './lookalikes';
import { inkRows, strokeAt, TICK_SHAPE } from './tick-shape';

/**
 * Backticks of raw inline code in proportional type (a README read as drawn: "`tape, jscs`" for
 * "`tape`, `jscs`"): the recogniser often emits nothing for the thin stroke beside a word, opening
 * or closing. Ink no glyph's spike sits on that is a backtick's stroke (small, high in the line,
 * falling to the right: tick-shape.ts), touching a Latin glyph on either side, is that backtick.
 * An apostrophe stands upright and curly quotes lean the other way, so neither is taken for one;
 * a dot with ink under it is an i's or a colon's; a mark beside a quote the recogniser did read
 * is that mark, read off its spike; a Chinese glyph's own loose dots sit beside Chinese glyphs,
 * which are left alone. An opening tick (nearer the word after it) takes the blank before
 * that word, so "`a`, `b`" keeps its space before the second tick, not after it.
 * `closingOnly` (for a line read on a character grid, whose cells grid-ticks.ts reads later):
 * only the closing tick right after a glyph of code the line leaves open.
 */
export function restoreLostTicks(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask, { closingOnly = false } = {}): CtcChar[] {
  if (glyphs.length === 0 || (closingOnly && glyphs.filter((g) => g.char === '`').length % 2 === 0)) return [...glyphs];
  const rows = inkRows(mask);
  if (!rows) return [...glyphs];
  const [y0, y1] = rows;
  const h = y1 - y0;
  // A stem under a dot lies in the line's own text band; ink further down is the next line's.
  const bandBottom = textBand(mask)[1];
  const centre = (g: CtcChar) => ((g.start + g.end) / 2 + 0.5) * pxPerStep;
  const centres = glyphs.map(centre);
  const candidates = inkBlobs(mask)
    .filter((b) => b.bottom - b.top + 1 <= TICK_SHAPE.maxHeight * h && b.bottom < y0 + h / 2 && b.x1 - b.x0 + 1 <= 0.4 * h)
    .filter((b) => !centres.some((c) => c >= b.x0 - 1 && c <= b.x1 + 2))
    .filter((b) => !inkUnder(mask, b, bandBottom))
    .filter((b) => !glyphs.some((g, i) => QUOTE_LIKE.test(g.char) && Math.abs(centres[i]! - (b.x0 + b.x1) / 2) <= 0.6 * h))
    .filter((b) => (strokeAt(mask, (b.x0 + b.x1) / 2, b.x0, b.x1 + 1, b.top, b.bottom + 1)?.lean ?? 0) >= TICK_SHAPE.minLean);
  if (candidates.length === 0) return [...glyphs];
  const out = [...glyphs];
  for (const b of candidates.sort((p, q) => p.x0 - q.x0)) {
    const x = (b.x0 + b.x1) / 2;
    const at = out.findIndex((g) => centre(g) > x);
    const k = at < 0 ? out.length : at;
    const prev = out[k - 1];
    const next = out[k];
    const touches = (g: CtcChar | undefined) => g !== undefined && g.char !== '`' && !isIdeograph(g.char) && Math.abs(centre(g) - x) <= 0.9 * h;
    if (closingOnly ? !touches(prev) || out.slice(0, k).filter((g) => g.char === '`').length % 2 === 0 : !touches(prev) && !touches(next)) continue;
    if ((prev && isIdeograph(prev.char) && Math.abs(centre(prev) - x) <= 1.2 * h) || (next && isIdeograph(next.char) && Math.abs(centre(next) - x) <= 1.2 * h)) continue;
    const step = x / pxPerStep - 0.5;
    const opening = !closingOnly && next !== undefined && (!prev || blankBeside(mask, b.x0 - 1, -1) > blankBeside(mask, b.x1 + 1, 1));
    out.splice(k, 0, { char: '`', start: step, end: step, prob: 0.5, spaceBefore: opening ? next.spaceBefore : 0 });
    if (opening) out[k + 1] = { ...next, spaceBefore: 0 };
  }
  return out;
}

const QUOTE_LIKE = /^[`'"^~‘’“”′″]$/u;

/** Whether ink lies below the blob in its own columns, down to row `bottom` (an i's stem, a colon's lower dot). */
function inkUnder(mask: Mask, b: Blob, bottom: number): boolean {
  for (let y = b.bottom + 1; y <= bottom; y++) {
    for (let x = b.x0; x <= b.x1; x++) if (mask.ink[y * mask.width + x]) return true;
  }
  return false;
}

/** Blank columns from column `x` stepping by `dir` until one with ink (or the crop's edge). */
function blankBeside(mask: Mask, x: number, dir: 1 | -1): number {
  let n = 0;
  for (; x >= 0 && x < mask.width; x += dir, n++) {
    for (let y = 0; y < mask.height; y++) if (mask.ink[y * mask.width + x]) return n;
  }
  return n;
}
