import type { CtcChar } from './ctc';
import { inkBlobs, textBand, type Blob, type Mask } from './glyph-shape';
import { isIdeograph } from './lookalikes';
import { inkRows, strokeAt, TICK_SHAPE } from './tick-shape';

/**
 * Backticks and quotes of raw code in proportional type (a README read as drawn: "`tape, jscs`"
 * for "`tape`, `jscs`", "Blacklist frame'" for "Blacklist 'frame'"): the recogniser often emits
 * nothing for a thin stroke beside a word, opening or closing. Ink no glyph's spike sits on,
 * small and high in the line, touching a Latin glyph on either side, is that mark: a backtick
 * falls to the right (tick-shape.ts); an apostrophe stands upright or leans left (a curly one),
 * is taller than wide and stands alone in its columns; two such strokes side by side are a
 * double quote. A dot with ink under it is an i's or a colon's; a mark beside a quote the
 * recogniser did read is that mark, read off its spike; a Chinese glyph's own loose dots sit
 * beside Chinese glyphs, which are left alone. An opening mark (nearer the word after it) takes
 * the blank before that word, so "`a`, `b`" keeps its space before the second tick.
 * `closingOnly` (for a line read on a character grid, whose cells grid-ticks.ts reads later):
 * only the closing backtick right after a glyph of code the line leaves open.
 */
export function restoreLostTicks(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask, { closingOnly = false } = {}): CtcChar[] {
  if (glyphs.length === 0 || (closingOnly && glyphs.filter((g) => g.char === '`').length % 2 === 0)) return [...glyphs];
  const rows = inkRows(mask);
  if (!rows) return [...glyphs];
  const [y0, y1] = rows;
  const h = y1 - y0;
  // A stem under a dot lies in the line's own text band; ink further down is the next line's.
  const band = textBand(mask);
  const bandBottom = band[1];
  const centre = (g: CtcChar) => ((g.start + g.end) / 2 + 0.5) * pxPerStep;
  const centres = glyphs.map(centre);
  const candidates = inkBlobs(mask)
    .filter((b) => b.bottom - b.top + 1 <= TICK_SHAPE.maxHeight * h && b.bottom < y0 + h / 2 && b.x1 - b.x0 + 1 <= 0.4 * h)
    .filter((b) => !centres.some((c) => c >= b.x0 - 1 && c <= b.x1 + 2))
    .filter((b) => !inkUnder(mask, b, bandBottom))
    .filter((b) => !glyphs.some((g, i) => QUOTE_LIKE.test(g.char) && Math.abs(centres[i]! - (b.x0 + b.x1) / 2) <= 0.6 * h))
    .map((b) => ({ b, mark: markOf(mask, b, band, closingOnly) }))
    .filter((c): c is { b: Blob; mark: string } => c.mark !== undefined)
    .sort((p, q) => p.b.x0 - q.b.x0);
  // Two upright strokes side by side are one double quote.
  for (let i = candidates.length - 1; i > 0; i--) {
    const [l, r] = [candidates[i - 1]!, candidates[i]!];
    if (l.mark === "'" && r.mark === "'" && r.b.x0 - l.b.x1 - 1 <= 0.3 * h) {
      candidates.splice(i - 1, 2, { b: { x0: l.b.x0, x1: r.b.x1, top: Math.min(l.b.top, r.b.top), bottom: Math.max(l.b.bottom, r.b.bottom) }, mark: '"' });
    }
  }
  if (candidates.length === 0) return [...glyphs];
  const out = [...glyphs];
  for (const { b, mark } of candidates) {
    const x = (b.x0 + b.x1) / 2;
    const at = out.findIndex((g) => centre(g) > x);
    const k = at < 0 ? out.length : at;
    const prev = out[k - 1];
    const next = out[k];
    const touches = (g: CtcChar | undefined) => g !== undefined && !QUOTE_LIKE.test(g.char) && !isIdeograph(g.char) && Math.abs(centre(g) - x) <= 0.9 * h;
    if (closingOnly ? !touches(prev) || out.slice(0, k).filter((g) => g.char === '`').length % 2 === 0 : !touches(prev) && !touches(next)) continue;
    if ((prev && isIdeograph(prev.char) && Math.abs(centre(prev) - x) <= 1.2 * h) || (next && isIdeograph(next.char) && Math.abs(centre(next) - x) <= 1.2 * h)) continue;
    const step = x / pxPerStep - 0.5;
    const opening = !closingOnly && next !== undefined && (!prev || blankBeside(mask, b.x0 - 1, -1) > blankBeside(mask, b.x1 + 1, 1));
    out.splice(k, 0, { char: mark, start: step, end: step, prob: 0.5, spaceBefore: opening ? next.spaceBefore : 0 });
    if (opening) out[k + 1] = { ...next, spaceBefore: 0 };
  }
  return out;
}

const QUOTE_LIKE = /^[`'"^~‘’“”′″]$/u;

/** How far an apostrophe's stroke may lean right at most (columns per row; a curly one leans left). */
const UPRIGHT_LEAN = 0.2;

/**
 * The mark a lone high stroke is: a backtick falls to the right; an apostrophe (straight or
 * curly) stands upright or leans left and is taller than wide (a dot or ring is neither).
 */
function markOf(mask: Mask, b: Blob, [bandTop, bandBottom]: [number, number], backticksOnly: boolean): string | undefined {
  const lean = strokeAt(mask, (b.x0 + b.x1) / 2, b.x0, b.x1 + 1, b.top, b.bottom + 1)?.lean ?? 0;
  if (lean >= TICK_SHAPE.minLean) return '`';
  const height = b.bottom - b.top + 1;
  if (backticksOnly || lean > UPRIGHT_LEAN || height < 3 || height < 1.5 * (b.x1 - b.x0 + 1)) return undefined;
  // High in the text's own band (the crop's rows may hold the next line's tops): a slash's broken-off piece hangs lower.
  if (b.bottom > bandTop + 0.5 * (bandBottom - bandTop)) return undefined;
  // A glyph's own arm (the top of a v or w cut off by anti-aliasing) has the rest of it in the next
  // column, from the stroke's rows on; a comma after a closing quote ("'grep',") starts lower.
  const below = Math.min(bandBottom, b.bottom + Math.max(2, Math.round(0.15 * (bandBottom - bandTop + 1))));
  return blankColumn(mask, b.x0 - 1, b.top, below) && blankColumn(mask, b.x1 + 1, b.top, below) ? "'" : undefined;
}

function blankColumn(mask: Mask, x: number, top: number, bottom: number): boolean {
  if (x < 0 || x >= mask.width) return true;
  for (let y = top; y <= bottom; y++) if (mask.ink[y * mask.width + x]) return false;
  return true;
}

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
