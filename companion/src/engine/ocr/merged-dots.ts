import type { CtcChar } from './ctc';
import { glyphBlobs, inkBlobs, inkMask, type Blob, type Mask } from './glyph-shape';
import { median } from './median';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/**
 * Dots CTC merged. Small type puts two or three dots within one or two time steps, and CTC
 * writes a repeated character once unless a blank falls between: "[FILE]..." comes back
 * "[FILE]..", "[KIND,...]" as "[KIND,..]". The crop still shows every dot: between the glyphs
 * on either side of a run of `.`, the blobs of a dot's size standing on the baseline are counted,
 * and where there are more than were read (up to MAX_DOTS) the run gets them all.
 */
export const MERGED_DOTS = {
  /** The longest run of dots restored (an ellipsis, a `....` leader is seldom read short). */
  maxDots: 4,
  /** A dot's blob: at most this share of the x-height wide and tall. */
  dotSize: 0.5,
} as const;

/** Letters standing on the baseline whose height is the x-height. */
const X_LETTERS = /^[acemnorsuvwxz]$/;
/** Glyphs standing on the baseline (no descender). */
const ON_BASELINE = /^[a-fh-ik-oq-xzA-PR-Z0-9]$/;

type Dot = Blob;

/** Blobs of at most `size` px each way, whose bottom is on the baseline or up to `slack` above it. */
function dotBlobs(mask: Mask, size: number, baseline: number, slack: number): Dot[] {
  // A dot stands on the baseline; a comma's head reaches below it.
  return inkBlobs(mask).filter((d) => d.x1 - d.x0 + 1 <= size && d.bottom - d.top + 1 <= size && d.bottom <= baseline && d.bottom >= baseline - slack);
}

/**
 * One font's dots in one line: alike in size and height (anti-aliasing may shift a row) and at an
 * even pitch (a stray dot-sized fleck is not one of them).
 */
function isEllipsis(dots: readonly Dot[]): boolean {
  const spread = (v: number[]) => Math.max(...v) - Math.min(...v);
  if (spread(dots.map((d) => d.bottom)) > 1 || spread(dots.map((d) => d.bottom - d.top)) > 1) return false;
  const steps = dots.slice(1).map((d, k) => d.x0 - dots[k]!.x0);
  return Math.max(...steps) <= 1.5 * Math.min(...steps) + 1;
}

/** A line's baseline and x-height from its glyphs' own blobs; undefined with fewer than two of either. */
export function lineMetrics(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask): { xh: number; baseline: number } | undefined {
  const own = glyphBlobs(glyphs, pxPerStep, mask);
  const xs = own.flatMap((b, k) => (b && X_LETTERS.test(glyphs[k]!.char) ? [b.bottom - b.top + 1] : []));
  const bottoms = own.flatMap((b, k) => (b && ON_BASELINE.test(glyphs[k]!.char) ? [b.bottom] : []));
  return xs.length < 2 || bottoms.length < 2 ? undefined : { xh: median(xs), baseline: median(bottoms) };
}

/** Restores dots CTC merged in `lines` (in place; see MERGED_DOTS). */
export function restoreMergedDots(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    if (!line.chars.some((c) => c.char === '.')) return;
    const glyphs = line.chars.filter((c) => c.char !== ' ');
    const mask = inkMask(crops[li]!);
    const metrics = lineMetrics(glyphs, line.pxPerStep, mask);
    if (!metrics) return;
    const { xh, baseline } = metrics;
    const dots = dotBlobs(mask, Math.max(2, MERGED_DOTS.dotSize * xh), baseline, Math.max(1, 0.15 * xh));
    const centre = (c: CtcChar) => ((c.start + c.end) / 2 + 0.5) * line.pxPerStep;
    const out: CtcChar[] = [];
    for (let i = 0; i < line.chars.length; ) {
      const c = line.chars[i]!;
      if (c.char !== '.') {
        out.push(c);
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < line.chars.length && line.chars[j + 1]!.char === '.' && line.chars[j + 1]!.spaceBefore < 0.5) j++;
      const read = j - i + 1;
      // Between the centres of the glyphs either side: their own ink never holds a baseline dot of this size.
      const before = out.findLast((g) => g.char !== ' ');
      const after = line.chars.slice(j + 1).find((g) => g.char !== ' ');
      const left = before ? centre(before) : 0;
      const right = after ? centre(after) : mask.width;
      const counted = dots.filter((d) => d.x0 > left && d.x1 < right).sort((a, b) => a.x0 - b.x0);
      const n = counted.length > read && counted.length <= MERGED_DOTS.maxDots && isEllipsis(counted) ? counted.length : read;
      out.push(...line.chars.slice(i, j + 1));
      for (let k = read; k < n; k++) out.push({ ...line.chars[j]!, spaceBefore: 0 });
      i = j + 1;
    }
    line.chars.splice(0, line.chars.length, ...out);
  });
}
