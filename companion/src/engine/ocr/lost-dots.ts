import type { CtcChar } from './ctc';
import { inkBlobs, inkMask, type Blob, type Mask } from './glyph-shape';
import { isCjk } from './lookalikes';
import { lineMetrics } from './merged-dots';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/**
 * A dot the recogniser left unread between marks of code (`"./some-file.cjs"` read
 * `"/some-file.cjs"`, `['./foo.mjs']`): a small square blob standing on the baseline that no
 * glyph's spike sits on, with nothing above it in its columns, between two Latin glyphs, is a `.`.
 * (A run of dots CTC wrote short is merged-dots.ts's.)
 */
export const LOST_DOTS = {
  /** A dot is at most this share of the x-height each way. */
  maxSize: 0.45,
  /** Farthest neighbour on either side, in x-heights from the dot's centre. */
  reach: 1.6,
} as const;

/** Puts back unread dots in `lines` (in place; see LOST_DOTS). */
export function restoreLostDots(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    const glyphs = line.chars.filter((c) => c.char !== ' ');
    if (glyphs.length < 3 || glyphs.some((g) => isCjk(g.char))) return;
    const mask = inkMask(crops[li]!);
    const metrics = lineMetrics(glyphs, line.pxPerStep, mask);
    if (!metrics || metrics.xh < 5) return;
    const { xh, baseline } = metrics;
    const centre = (g: CtcChar) => ((g.start + g.end) / 2 + 0.5) * line.pxPerStep;
    const size = Math.max(2, LOST_DOTS.maxSize * xh);
    const dots = inkBlobs(mask).filter((d) => {
      const w = d.x1 - d.x0 + 1;
      const h = d.bottom - d.top + 1;
      return w <= size && h <= size && Math.abs(w - h) <= 1 && Math.abs(d.bottom - baseline) <= 1 && !glyphs.some((g) => centre(g) >= d.x0 - 1 && centre(g) <= d.x1 + 2) && !inkAbove(mask, d, baseline - 2 * xh);
    });
    for (const d of dots) {
      const x = (d.x0 + d.x1) / 2;
      const at = line.chars.findIndex((g) => g.char !== ' ' && centre(g) > x);
      if (at <= 0) continue;
      const prev = line.chars.slice(0, at).findLast((g) => g.char !== ' ')!;
      const next = line.chars[at]!;
      if (centre(next) - x > LOST_DOTS.reach * xh || x - centre(prev) > LOST_DOTS.reach * xh || prev.char === '.' || next.char === '.') continue;
      const step = x / line.pxPerStep - 0.5;
      line.chars.splice(at, 0, { char: '.', start: step, end: step, prob: 0.5, spaceBefore: 0 });
    }
  });
}

/** Whether ink lies above the blob in its own columns, up to row `top` (an i's or a colon's). */
function inkAbove(mask: Mask, b: Blob, top: number): boolean {
  for (let y = Math.max(0, Math.floor(top)); y < b.top; y++) {
    for (let x = b.x0; x <= b.x1; x++) if (mask.ink[y * mask.width + x]) return true;
  }
  return false;
}
