import type { CtcChar } from './ctc';
import { glyphBlobs, inkBlobs, inkMask, X_HEIGHT, type Blob } from './glyph-shape';
import { median } from './median';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';
import { monospacePitch } from './spacing';

/**
 * Dashes by their length: an em dash read `-` ("accepts one parameter — the newly" → "- the"),
 * an en dash read `-` ("pages 10–20"). A hyphen's bar is about half the x-height long, an en
 * dash's about the x-height, an em dash's about twice it; in monospace type en and em dash both
 * fill their cell, a hyphen half of it. The bar is the one flat blob at mid x-height between the
 * dash's neighbours; two bars there are a doubled hyphen (glyph-shape.ts), and a bar opening a
 * word before a letter is left to it too (CTC merges `--` of a flag into one `-`).
 */
export const DASH_WIDTH = {
  /** A bar at least this many x-heights long is an em dash (proportional type). */
  em: 1.2,
  /** A bar this many x-heights long is an en dash (proportional type). */
  en: [0.75, 1.05],
  /** In monospace type, a bar filling this share of the cell is a long dash. */
  cell: 0.85,
  /** Least x-height (px) to judge by. */
  minXHeight: 6,
} as const;

const DASHES = /^[-–—]$/;

/** What the bar of glyph `k` (a dash) is by its length; undefined where it is a hyphen or unclear. */
function dashOf(bar: Blob, xh: number, pitch: number | undefined, glyphs: readonly CtcChar[], k: number, spacedBefore: boolean, spacedAfter: boolean): '–' | '—' | undefined {
  const len = bar.x1 - bar.x0 + 1;
  const digits = /\d/.test(glyphs[k - 1]?.char ?? '') && /\d/.test(glyphs[k + 1]?.char ?? '') && !spacedBefore && !spacedAfter;
  if (pitch !== undefined) return len >= DASH_WIDTH.cell * pitch ? (digits ? '–' : '—') : undefined;
  if (len >= DASH_WIDTH.em * xh) return '—';
  if (len >= DASH_WIDTH.en[0] * xh && len <= DASH_WIDTH.en[1] * xh && (digits || (spacedBefore && spacedAfter))) return '–';
  return undefined;
}

/**
 * Each line's monospace pitch: its own, or else that of the page's lines of its size when at
 * least two of them agree and the line sits on their grid (a short line or one with a long dash
 * finds no pitch alone), as the pipeline lays lines out later.
 */
export function pagePitches(lines: readonly LineGlyphs[], crops: readonly Rgb[]): (i: number, glyphs: readonly CtcChar[]) => number | undefined {
  const own = lines.map((l) => {
    const glyphs = l.chars.filter((c) => c.char !== ' ');
    return glyphs.length ? monospacePitch(glyphs, l.pxPerStep) : undefined;
  });
  const similar = (a: number, b: number) => Math.abs(crops[a]!.height - crops[b]!.height) <= 0.15 * crops[a]!.height;
  return (i, glyphs) => {
    if (own[i] !== undefined) return own[i];
    const peers = own.filter((p, k): p is number => p !== undefined && k !== i && similar(i, k));
    const agreed = peers.filter((p) => peers.filter((q) => Math.abs(q - p) <= 0.1 * p).length >= 2);
    return agreed.length >= 2 ? monospacePitch(glyphs, lines[i]!.pxPerStep, median(agreed)) : undefined;
  };
}

/** Sets, in place, each dash whose bar is as long as an en or em dash to that dash. */
export function settleDashWidths(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  const pitchOf = pagePitches(lines, crops);
  lines.forEach((line, li) => {
    const at = line.chars.map((c, i) => (c.char === ' ' ? -1 : i)).filter((i) => i >= 0);
    const glyphs = at.map((i) => line.chars[i]!);
    if (!glyphs.some((g) => g.char === '-' || g.char === '–')) return;
    const mask = inkMask(crops[li]!);
    const own = glyphBlobs(glyphs, line.pxPerStep, mask);
    const xs = own.filter((b, k): b is Blob => !!b && X_HEIGHT.test(glyphs[k]!.char));
    if (xs.length < 2) return;
    const baseline = median(xs.map((b) => b.bottom));
    const xh = median(xs.map((b) => baseline - b.top + 1));
    if (xh < DASH_WIDTH.minXHeight) return;
    const pitch = pitchOf(li, glyphs);
    const all = inkBlobs(mask);
    const centres = glyphs.map((g) => ((g.start + g.end) / 2 + 0.5) * line.pxPerStep);
    const flat = (b: Blob) => {
      const mid = baseline - (b.top + b.bottom) / 2;
      return b.bottom - b.top + 1 <= Math.max(2, 0.3 * xh) && b.x1 - b.x0 + 1 >= 2 * (b.bottom - b.top + 1) && mid >= 0.2 * xh && mid <= 0.8 * xh;
    };
    glyphs.forEach((g, k) => {
      if (g.char !== '-' && g.char !== '–') return;
      if (DASHES.test(glyphs[k - 1]?.char ?? '') || DASHES.test(glyphs[k + 1]?.char ?? '')) return;
      const lo = k > 0 ? centres[k - 1]! : -Infinity;
      const hi = k + 1 < centres.length ? centres[k + 1]! : Infinity;
      const bars = all.filter((b) => (b.x0 + b.x1) / 2 > lo && (b.x0 + b.x1) / 2 < hi && flat(b));
      if (bars.length !== 1) return;
      const bar = bars[0]!;
      const before = own[k - 1];
      const after = own[k + 1];
      const spacedBefore = k === 0 || g.spaceBefore >= 0.5 || (!!before && bar.x0 - before.x1 > 0.5 * xh);
      const spacedAfter = k + 1 === glyphs.length || glyphs[k + 1]!.spaceBefore >= 0.5 || (!!after && after.x0 - bar.x1 > 0.5 * xh);
      // A flag's `--` merged by CTC: glyph-shape.ts splits it.
      if (spacedBefore && !spacedAfter && /^[A-Za-z]$/.test(glyphs[k + 1]?.char ?? '')) return;
      const dash = dashOf(bar, xh, pitch, glyphs, k, spacedBefore, spacedAfter);
      if (dash && dash !== g.char) line.chars[at[k]!] = { ...g, char: dash };
    });
  });
}
