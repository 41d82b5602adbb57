import type { CtcChar } from './ctc';
import { glyphBlobs, inkBlobs, textBand, type Blob, type Mask } from './glyph-shape';
import { median } from './median';

/**
 * The bar ending a table row laid out one cell a line ("模型 |", as README tables are often
 * pasted): a thin stroke after a blank that the recogniser drops, or reads as `」` or `！`. A bar
 * runs the text band's whole height, from the ascenders down past the baseline where the line's
 * glyphs stand: an `l` stops on the baseline, a `!` has its dot apart, a corner bracket its foot
 * (too wide for a bar).
 */
export const LINE_END_BAR = {
  /** Its height at least, in the text band's height. */
  minHeight: 0.85,
  /** Its width at most, in the band's height (2 px always pass). */
  maxWidth: 0.15,
  /** How far past the glyphs' usual bottom it reaches at least, in the band's height. */
  belowBaseline: 0.06,
} as const;

/** What a bar at the line's end is misread as. */
const BAR_MISREADS = /^[」！!丨]$/u;

export function restoreLineEndBar(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask): CtcChar[] {
  if (glyphs.length < 2) return [...glyphs];
  const [top, bottom] = textBand(mask);
  const bandH = bottom - top + 1;
  const centres = glyphs.map((g) => ((g.start + g.end) / 2 + 0.5) * pxPerStep);
  const own = glyphBlobs(glyphs, pxPerStep, mask);
  const last = glyphs[glyphs.length - 1]!;
  // A bar misread is the last glyph: look right of the one before it. A dropped bar: right of the last.
  const misread = BAR_MISREADS.test(last.char);
  const k = misread ? glyphs.length - 2 : glyphs.length - 1;
  const standing = own.slice(0, k + 1).filter((b) => b !== undefined);
  if (standing.length < 2) return [...glyphs];
  // The glyphs' usual bottom: a bar reaches past it.
  const baseline = median(standing.map((b) => b.bottom));
  const isBar = (b: Blob) =>
    b.bottom - b.top + 1 >= LINE_END_BAR.minHeight * bandH &&
    b.x1 - b.x0 + 1 <= Math.max(2, LINE_END_BAR.maxWidth * bandH) &&
    b.bottom >= baseline + Math.max(1, LINE_END_BAR.belowBaseline * bandH);
  const end = own[k] ? own[k].x1 : centres[k]! + 0.3 * bandH;
  const after = inkBlobs(mask).filter((b) => b.x0 > end);
  // The rightmost; what lies between is a mark's other stroke at most (a closing quote's second tick).
  const b = after.reduce<Blob | undefined>((r, x) => (!r || x.x1 > r.x1 ? x : r), undefined);
  if (!b || !isBar(b) || after.some((x) => x !== b && x.bottom - x.top + 1 > 0.5 * bandH)) return [...glyphs];
  if (misread) return [...glyphs.slice(0, -1), { ...last, char: '|' }];
  const step = (b.x0 + b.x1) / 2 / pxPerStep - 0.5;
  // A cell's bar stands a blank off its text.
  const spaced = b.x0 - end - 1 >= 0.25 * bandH;
  return [...glyphs, { char: '|', start: step, end: step, prob: 0.5, spaceBefore: spaced ? 0.9 : 0 }];
}
