import type { CtcChar } from './ctc';
import { inkBlobs, inkMask, type Blob, type Mask } from './glyph-shape';
import { isCjk } from './lookalikes';
import { lineMetrics } from './merged-dots';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/**
 * Underscores read as hyphens or dots, or not read (`const __ =` read `const_-=`, `{ _: [] }`
 * read `{-: [] }`, `_(This` read `(This`). An underscore is one flat bar under the baseline, a
 * hyphen one at mid x-height, a dot a small square on the baseline. The bar often stands apart
 * from the text band (a blank row under the baseline), so it is looked for in the whole crop:
 * - a `-` or `.` whose spike's columns hold such a bar and nothing else is `_`;
 * - such a bar no spike sits on is an underscore left unread, put back between its neighbours;
 * - in proportional type, where underscores touch, a bar about two underscores long read as one
 *   `_` (or put back) is `__`.
 */
export const UNDERSCORE = {
  /** A bar is at most this many x-heights thick (2 px at least)… */
  maxThick: 0.3,
  /** …at least this many x-heights long and this many times its thickness… */
  minLength: 0.6,
  minAspect: 2.5,
  /** …its top at most this many x-heights above the baseline (a hyphen's is about half the x-height up). */
  maxRise: 0.15,
  /** …and its foot at most this many x-heights under it (not the next line's ink). */
  maxDrop: 0.8,
  /** One underscore is about this many x-heights long (touching ones make one bar)… */
  length: 1.05,
  /** …and a bar this many x-heights long is two at least. */
  double: 1.6,
  /** A spike's columns: this share of the distance to the nearer neighbour's spike, each side. */
  reach: 0.3,
} as const;

const READ_AS = /^[-.–]$/;

/** Sets, in place, underscores read as `-` or `.`, left unread, or written once for two (see UNDERSCORE). */
export function settleUnderscores(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    const glyphs = line.chars.filter((c) => c.char !== ' ');
    if (glyphs.length < 3) return;
    const mask = inkMask(crops[li]!);
    const metrics = lineMetrics(glyphs, line.pxPerStep, mask);
    if (!metrics || metrics.xh < 5) return;
    const { xh, baseline } = metrics;
    const thick = Math.max(2, UNDERSCORE.maxThick * xh);
    const isBar = (b: Blob) => {
      const h = b.bottom - b.top + 1;
      const w = b.x1 - b.x0 + 1;
      return h <= thick && w >= UNDERSCORE.minLength * xh && w >= UNDERSCORE.minAspect * h && b.top >= baseline - UNDERSCORE.maxRise * xh && b.bottom <= baseline + UNDERSCORE.maxDrop * xh && b.bottom < mask.height - 1;
    };
    const bars = inkBlobs(mask).filter(isBar);
    if (!bars.length) return;
    const centre = (g: CtcChar) => ((g.start + g.end) / 2 + 0.5) * line.pxPerStep;
    const centres = glyphs.map(centre);
    // Read as a hyphen or a dot: the spike's own columns hold one bar and no other ink.
    glyphs.forEach((g, k) => {
      if (!READ_AS.test(g.char)) return;
      const near = Math.min(k > 0 ? centres[k]! - centres[k - 1]! : Infinity, k + 1 < centres.length ? centres[k + 1]! - centres[k]! : Infinity);
      const half = Math.max(1, UNDERSCORE.reach * (Number.isFinite(near) ? near : xh));
      const x0 = Math.round(centres[k]! - half), x1 = Math.round(centres[k]! + half);
      const inside = inkBlobs(mask).filter((b) => b.x1 >= x0 && b.x0 <= x1 && columnsInked(mask, b, x0, x1));
      if (inside.length === 1 && bars.includes(inside[0]!)) line.chars[line.chars.indexOf(g)] = { ...g, char: '_' };
    });
    // Each bar holds as many underscores as its length tells: the missing ones are put beside
    // those read on it (or between its neighbours where none was), unless other glyphs sit on it.
    for (const bar of bars) {
      const on = line.chars.filter((c) => c.char !== ' ' && centre(c) >= bar.x0 - 1 && centre(c) <= bar.x1 + 1);
      if (on.some((c) => c.char !== '_')) continue;
      const len = bar.x1 - bar.x0 + 1;
      const want = len >= UNDERSCORE.double * xh ? Math.max(2, Math.round(len / (UNDERSCORE.length * xh))) : 1;
      if (on.length >= want) continue;
      const x = on.length ? centre(on[on.length - 1]!) : (bar.x0 + bar.x1) / 2;
      const at = line.chars.findIndex((c) => c.char !== ' ' && centre(c) > x);
      // Between Chinese glyphs a bar is part of one (a wide glyph's foot stroke stands apart).
      const prev = line.chars.slice(0, at < 0 ? line.chars.length : at).findLast((c) => c.char !== ' ');
      if (!on.length && (isCjk(prev?.char ?? '') || isCjk(line.chars[at]?.char ?? ''))) continue;
      const step = x / line.pxPerStep - 0.5;
      const marks = Array.from({ length: want - on.length }, (): CtcChar => ({ char: '_', start: step, end: step, prob: 0.5, spaceBefore: 0 }));
      line.chars.splice(at < 0 ? line.chars.length : at, 0, ...marks);
    }
  });
}

/** Whether blob `b` has ink in columns x0..x1 (its box may cross them where its ink does not). */
function columnsInked(m: Mask, b: Blob, x0: number, x1: number): boolean {
  for (let x = Math.max(b.x0, x0); x <= Math.min(b.x1, x1); x++) for (let y = b.top; y <= b.bottom; y++) if (m.ink[y * m.width + x]) return true;
  return false;
}
