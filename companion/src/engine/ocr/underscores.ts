import type { CtcChar } from './ctc';
import { inkBlobs, inkMask, type Blob } from './glyph-shape';
import { isCjk } from './lookalikes';
import { lineMetrics } from './merged-dots';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/**
 * Underscores read as hyphens or dots, or not read (`const __ =` read `const_-=`, `{ _: [] }`
 * read `{-: [] }`, `_(This` read `(This`). An underscore is one flat bar under the baseline, a
 * hyphen one at mid x-height, a dot a small square on the baseline. The bar often stands apart
 * from the text band (a blank row under the baseline), so it is looked for in the whole crop:
 * - a run of `-` `.` `_` readings is written from the mark blobs between its neighbours (hyphen
 *   bars, dots, underscore bars; touching underscores make one bar, counted by its length) where
 *   they hold an underscore and as many marks as were read, or underscores alone (`_` for `__`);
 * - an underscore bar no spike sits on is an underscore left unread, put back (not beside Chinese,
 *   whose glyphs have low strokes of their own).
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
  /** A dot is at most this many x-heights each way. */
  maxDot: 0.45,
} as const;

/** Readings a run of marks is made of. */
const RUN = /^[-.–_]$/;
/** Glyphs with a dot of their own on the baseline. */
const OWNS_DOT = /^[:;!?,]$/;

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
    const count = (bar: Blob) => {
      const len = bar.x1 - bar.x0 + 1;
      return len >= UNDERSCORE.double * xh ? Math.max(2, Math.round(len / (UNDERSCORE.length * xh))) : 1;
    };
    // The marks a run of `-` `.` `_` readings can stand for: hyphen bars at mid x-height, dots on the baseline, underscore bars.
    const small = Math.max(2, UNDERSCORE.maxDot * xh);
    const markOf = (b: Blob): string | undefined => {
      const h = b.bottom - b.top + 1;
      const w = b.x1 - b.x0 + 1;
      const mid = baseline - (b.top + b.bottom) / 2;
      if (isBar(b)) return '_'.repeat(count(b));
      if (h <= thick && w >= 2 * h && mid >= 0.2 * xh && mid <= 0.8 * xh) return '-';
      if (h <= small && w <= small && Math.abs(b.bottom - baseline) <= 1) return '.';
      return undefined;
    };
    // Each run of mark readings is checked against the mark blobs between its neighbours' spikes
    // (a neighbour that owns a baseline dot, `:` `;` `!` `?` `,`, keeps the one nearest it): where
    // they hold an underscore and as many marks as were read, or the read hyphens and dots and
    // underscores beside them, or underscores only, they are the text.
    // Bars a run of readings accounted for (a bar the crop's edge or a faint column cut in two is one run's).
    const counted = new Set<Blob>();
    for (let s = 0; s < glyphs.length; s++) {
      if (!RUN.test(glyphs[s]!.char)) continue;
      let e = s;
      while (e + 1 < glyphs.length && RUN.test(glyphs[e + 1]!.char)) e++;
      const lo = s > 0 ? centres[s - 1]! : -Infinity;
      const hi = e + 1 < glyphs.length ? centres[e + 1]! : Infinity;
      const nearestSpike = (x: number) => centres.reduce((a, c, j) => (Math.abs(c - x) < Math.abs(centres[a]! - x) ? j : a), 0);
      const owned = (b: Blob) => {
        const j = nearestSpike((b.x0 + b.x1) / 2);
        return (j === s - 1 || j === e + 1) && OWNS_DOT.test(glyphs[j]!.char);
      };
      const blobs = inkBlobs(mask)
        .filter((b) => (b.x0 + b.x1) / 2 > lo && (b.x0 + b.x1) / 2 < hi && !owned(b) && markOf(b) !== undefined)
        .sort((a, b) => a.x0 - b.x0);
      for (const b of blobs) counted.add(b);
      const marks = blobs.map(markOf).join('');
      const run = glyphs.slice(s, e + 1);
      const read = run.map((g) => g.char).join('');
      const others = (t: string) => t.replace(/_/g, '');
      if (marks.includes('_') && marks !== read && (marks.length === run.length || others(marks) === others(read) || (/^_+$/.test(marks) && !read.includes('.')))) {
        const at = line.chars.indexOf(run[0]!);
        const last = run[run.length - 1]!;
        const written = [...marks].map((char, k): CtcChar => ({ ...(run[k] ?? last), char }));
        line.chars.splice(at, line.chars.indexOf(last) - at + 1, ...written);
      }
      s = e;
    }
    // An underscore bar no spike sits on and no run took: an underscore left unread, put back between its neighbours.
    for (const bar of bars) {
      if (counted.has(bar) || centres.some((c) => c >= bar.x0 - 1 && c <= bar.x1 + 1)) continue;
      const x = (bar.x0 + bar.x1) / 2;
      const at = line.chars.findIndex((c) => c.char !== ' ' && centre(c) > x);
      // Between Chinese glyphs a bar is part of one (a wide glyph's foot stroke stands apart).
      const prev = line.chars.slice(0, at < 0 ? line.chars.length : at).findLast((c) => c.char !== ' ');
      if (isCjk(prev?.char ?? '') || isCjk(line.chars[at]?.char ?? '')) continue;
      const step = x / line.pxPerStep - 0.5;
      const marks = Array.from({ length: count(bar) }, (): CtcChar => ({ char: '_', start: step, end: step, prob: 0.5, spaceBefore: 0 }));
      line.chars.splice(at < 0 ? line.chars.length : at, 0, ...marks);
    }
  });
}
