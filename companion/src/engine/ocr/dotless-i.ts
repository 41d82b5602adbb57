import { CAP_HEIGHT, glyphBlobs, inkBlobs, inkMask, X_HEIGHT, type Blob } from './glyph-shape';
import { median } from './median';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/**
 * A capital `I` read as `i` between capitals ("UID" → "UiD", "UNIX" → "UNiX"): at 48 px the
 * recogniser sees a stroke and guesses. The crop tells them apart: the letter is a stem of
 * x-height under a dot, the capital one plain stroke as tall as the line's capitals.
 */
export const DOTLESS_I = {
  /** A stroke at least this share of the cap height (over the x-height) is a capital's. */
  capShare: 0.75,
  /** Least x-height (px) to judge by. */
  minXHeight: 5,
} as const;

const CAPITAL = /^[A-Z]$/;
/** Small letters that cannot follow it: all but those the case step sets by height later ("UNix" → "UNIX"). */
const SMALL_ONLY = /^[abd-npqrty]$/;

/** Any blob above `b` in its columns (an `i`'s dot), apart from it. */
function dotAbove(all: readonly Blob[], b: Blob): boolean {
  return all.some((o) => o !== b && o.bottom < b.top && o.x1 >= b.x0 - 1 && o.x0 <= b.x1 + 1 && b.top - o.bottom <= b.bottom - b.top + 1);
}

/** The tallest blob centred between the midpoints to glyph `k`'s neighbours' spikes (a thin stroke the spike sits a few pixels off). */
function strokeNear(all: readonly Blob[], centres: readonly number[], k: number): Blob | undefined {
  const c = centres[k]!;
  const lo = k > 0 ? (centres[k - 1]! + c) / 2 : -Infinity;
  const hi = k + 1 < centres.length ? (centres[k + 1]! + c) / 2 : Infinity;
  let best: Blob | undefined;
  for (const b of all) {
    const mid = (b.x0 + b.x1 + 1) / 2;
    if (mid > lo && mid < hi && b.x0 >= lo - 1 && b.x1 + 1 <= hi + 1 && (!best || b.bottom - b.top > best.bottom - best.top)) best = b;
  }
  return best;
}

/** Sets, in place, an `i` between capitals that is one plain stroke of cap height, with no dot, to `I`. */
export function settleDotlessI(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    const at = line.chars.map((c, i) => (c.char === ' ' ? -1 : i)).filter((i) => i >= 0);
    const glyphs = at.map((i) => line.chars[i]!);
    const between = (k: number) => glyphs[k]!.char === 'i' && CAPITAL.test(glyphs[k - 1]?.char ?? '') && !SMALL_ONLY.test(glyphs[k + 1]?.char ?? '') && glyphs[k]!.spaceBefore < 0.5;
    if (!glyphs.some((_, k) => between(k))) return;
    const mask = inkMask(crops[li]!);
    const own = glyphBlobs(glyphs, line.pxPerStep, mask);
    const height = (b: Blob) => b.bottom - b.top + 1;
    const of = (re: RegExp) => own.filter((b, k): b is Blob => !!b && re.test(glyphs[k]!.char)).map(height);
    const xs = of(X_HEIGHT);
    const caps = of(CAP_HEIGHT);
    if (!xs.length || !caps.length) return;
    const xh = median(xs);
    const cap = median(caps);
    if (xh < DOTLESS_I.minXHeight || cap < 1.15 * xh) return;
    const all = inkBlobs(mask);
    const centres = glyphs.map((g) => ((g.start + g.end) / 2 + 0.5) * line.pxPerStep);
    glyphs.forEach((g, k) => {
      const b = own[k] ?? strokeNear(all, centres, k);
      if (!between(k) || !b || b.x1 - b.x0 + 1 > Math.max(2, 0.3 * height(b))) return;
        if ((height(b) - xh) / (cap - xh) >= DOTLESS_I.capShare && !dotAbove(all, b)) line.chars[at[k]!] = { ...g, char: 'I' };
    });
  });
}
