import type { CtcChar } from './ctc';
import { inkBlobs, inkMask } from './glyph-shape';
import { lineMetrics } from './merged-dots';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/**
 * A single quote read as a double one or an asterisk. At 12–13 px the recogniser often writes
 * `'rpm'` as `“rpm"` (the Chinese dictionary's curly quotes, or ASCII `"`) and `'auto'` as
 * `'auto*`: the crop shows how many strokes there are, and how wide. Between the glyphs either side of the quote, the ink blobs high in the line (their
 * foot above the middle of the x-height) are its strokes; one thin stroke is `'` (for double
 * quotes, where every one on the line shows one).
 */
const QUOTE_LIKE = /^["“”″*]$/;

export function settleQuoteStrokes(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    if (!line.chars.some((c) => QUOTE_LIKE.test(c.char))) return;
    const glyphs = line.chars.filter((c) => c.char !== ' ');
    const mask = inkMask(crops[li]!);
    const metrics = lineMetrics(glyphs, line.pxPerStep, mask);
    if (!metrics) return;
    const { xh, baseline } = metrics;
    const blobs = inkBlobs(mask).filter((b) => b.bottom < baseline - 0.5 * xh && b.bottom - b.top + 1 <= 0.8 * xh);
    const centre = (c: CtcChar) => ((c.start + c.end) / 2 + 0.5) * line.pxPerStep;
    const single = glyphs.map((g, k) => {
      if (!QUOTE_LIKE.test(g.char)) return false;
      const left = k > 0 ? centre(glyphs[k - 1]!) : 0;
      const right = k + 1 < glyphs.length ? centre(glyphs[k + 1]!) : mask.width;
      const strokes = blobs.filter((b) => b.x0 > left && b.x1 < right);
      // One stroke, no wider than a stroke: two strokes run together, or an asterisk's star, are wider.
      return strokes.length === 1 && strokes[0]!.x1 - strokes[0]!.x0 + 1 <= Math.max(2, 0.3 * xh);
    });
    // A double quote's second stroke can touch its neighbour (`"]`) and hide: quotes come in
    // pairs, so double ones change only where every double one on the line shows one stroke.
    const doubles = glyphs.map((g, k) => (g.char !== '*' && QUOTE_LIKE.test(g.char) ? k : -1)).filter((k) => k >= 0);
    const doublesSingle = doubles.every((k) => single[k]);
    glyphs.forEach((g, k) => {
      if (!single[k] || (g.char !== '*' && !doublesSingle)) return;
      const at = line.chars.indexOf(g);
      line.chars[at] = { ...g, char: "'" };
    });
  });
}
