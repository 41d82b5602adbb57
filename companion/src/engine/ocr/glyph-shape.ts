import type { CtcChar } from './ctc';
import { median } from './median';
import { luminanceAt, type Rgb } from './raster';
import { otsu } from './ink-profile';
import { growComponent } from './ink-components';

/**
 * What the recogniser cannot see at 48 px but the crop shows: letters whose capital is the
 * small letter drawn taller (c o s v w x z: "cRoss_DEVIcE", "-S" for "-s") and a double
 * hyphen read as one ("-format" for "--format"). Each glyph's ink is measured in the line crop
 * around its CTC spike, against the line's own letters.
 */

/** Letters whose capital differs from the small letter mostly in height (`u`'s tail aside: "uRL", "SOuRCE"). */
export const SIZE_ONLY = /^[cosuvwxzCOSUVWXZ]$/;
/** Small letters with neither ascender nor descender: the line's x-height (the size-only ones excluded: they are the question). */
export const X_HEIGHT = /^[aemnr]$/;
/** Capitals and digits of cap height (the size-only ones excluded). */
export const CAP_HEIGHT = /^[ABDEFHIKLMNPRTY2-9]$/;

/** Text ink of a crop: Otsu on luminance, the background being the majority class. */
export interface Mask {
  ink: Uint8Array;
  width: number;
  height: number;
}

/** One mask per crop: several steps look at the same line crop (crops are never changed in place). */
const masks = new WeakMap<Rgb, Mask>();

export function inkMask(crop: Rgb): Mask {
  let mask = masks.get(crop);
  if (!mask) masks.set(crop, (mask = computeInkMask(crop)));
  return mask;
}

function computeInkMask(crop: Rgb): Mask {
  const n = crop.width * crop.height;
  const lum = new Uint8Array(n);
  const hist = new Uint32Array(256);
  for (let i = 0; i < n; i++) {
    const v = Math.round(luminanceAt(crop, i));
    lum[i] = v;
    hist[v]!++;
  }
  const t = otsu(hist, n);
  let above = 0;
  for (let v = t + 1; v < 256; v++) above += hist[v]!;
  const inkIsDark = above >= n - above;
  const ink = new Uint8Array(n);
  for (let i = 0; i < n; i++) ink[i] = (inkIsDark ? lum[i]! <= t : lum[i]! > t) ? 1 : 0;
  return { ink, width: crop.width, height: crop.height };
}

/**
 * The line's own rows: the run of inked rows around the most inked one. A line crop often holds
 * the descenders of the line above or the capitals of the one below, apart by blank rows.
 */
export function textBand(m: Mask): [number, number] {
  const rows = new Uint32Array(m.height);
  for (let y = 0; y < m.height; y++) for (let x = 0; x < m.width; x++) rows[y]! += m.ink[y * m.width + x]!;
  let peak = 0;
  for (let y = 1; y < m.height; y++) if (rows[y]! > rows[peak]!) peak = y;
  let top = peak;
  let bottom = peak;
  while (top > 0 && rows[top - 1]) top--;
  while (bottom + 1 < m.height && rows[bottom + 1]) bottom++;
  return [top, bottom];
}

export interface Blob {
  x0: number;
  x1: number;
  top: number;
  bottom: number;
}

/** Every crop's whole-height blobs, found once: several rules look for marks in the same crop. */
const wholeBlobsOf = new WeakMap<Mask, readonly Blob[]>();

/** Every 8-connected blob of a line crop's ink (the whole crop: marks above and below the text band too). */
export function inkBlobs(mask: Mask): readonly Blob[] {
  let found = wholeBlobsOf.get(mask);
  if (!found) wholeBlobsOf.set(mask, (found = blobs(mask, [0, mask.height - 1]).list));
  return found;
}

type FoundBlobs = { label: Int32Array; list: readonly Blob[] };
/** A line's text band and its blobs, found once per mask: several rules measure the same line's glyphs. */
const bandBlobsOf = new WeakMap<Mask, { band: [number, number]; found: FoundBlobs }>();

function bandBlobs(mask: Mask): { band: [number, number]; found: FoundBlobs } {
  let got = bandBlobsOf.get(mask);
  if (!got) {
    const band = textBand(mask);
    bandBlobsOf.set(mask, (got = { band, found: blobs(mask, band) }));
  }
  return got;
}

/** Connected ink (8-neighbours) inside the band's rows: one blob per glyph where glyphs do not touch. */
function blobs(m: Mask, [b0, b1]: [number, number]): { label: Int32Array; list: Blob[] } {
  const label = new Int32Array(m.width * m.height).fill(-1);
  const list: Blob[] = [];
  for (let y = b0; y <= b1; y++) {
    for (let x = 0; x < m.width; x++) {
      const i = y * m.width + x;
      if (!m.ink[i] || label[i]! >= 0) continue;
      const blob = { x0: x, x1: x, top: y, bottom: y };
      const id = list.length;
      label[i] = id;
      growComponent(m.width, [0, b0, m.width, b1 + 1], i, (k) => !!m.ink[k] && label[k]! < 0 && ((label[k] = id), true), (jx, jy) => {
        blob.x0 = Math.min(blob.x0, jx);
        blob.x1 = Math.max(blob.x1, jx);
        blob.top = Math.min(blob.top, jy);
        blob.bottom = Math.max(blob.bottom, jy);
      });
      list.push(blob);
    }
  }
  return { label, list };
}

/**
 * The blob a glyph's CTC spike sits on: of the blobs crossing the spike's columns, the one
 * centred nearest to it (a kerned neighbour's arm reaching over "o" in "Yo" is centred elsewhere).
 * Undefined where that blob spans a neighbour's spike too (touching glyphs: no single height).
 */
function glyphBlob(m: Mask, found: FoundBlobs, [b0, b1]: [number, number], centres: readonly number[], i: number): Blob | undefined {
  const c = Math.round(centres[i]! - 0.5);
  const off = (b: Blob) => Math.abs((b.x0 + b.x1) / 2 - centres[i]!);
  let best: Blob | undefined;
  for (let x = Math.max(0, c - 1); x <= Math.min(m.width - 1, c + 1); x++) {
    for (let y = b0; y <= b1; y++) {
      const l = found.label[y * m.width + x]!;
      if (l < 0) continue;
      const blob = found.list[l]!;
      if (!best || off(blob) < off(best)) best = blob;
    }
  }
  if (!best) return undefined;
  const b = best;
  return centres.some((x, k) => k !== i && x >= b.x0 && x <= b.x1 + 1) ? undefined : b;
}

/** Each glyph's own ink blob (see glyphBlob), for shape checks elsewhere (one-or-ell.ts). */
export function glyphBlobs(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask): Array<Blob | undefined> {
  const centres = glyphs.map((g) => ((g.start + g.end) / 2 + 0.5) * pxPerStep);
  const { band, found } = bandBlobs(mask);
  return glyphs.map((_, i) => glyphBlob(mask, found, band, centres, i));
}

/** A line's glyphs measured in its crop: each glyph's blob, the baseline, x-height and cap height. */
interface LineInk {
  centres: number[];
  blobs: readonly Blob[];
  own: Array<Blob | undefined>;
  baseline: number;
  heights: number[];
  xh?: number;
  cap?: number;
}

function measureLine(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask): LineInk | undefined {
  const centres = glyphs.map((g) => ((g.start + g.end) / 2 + 0.5) * pxPerStep);
  const { band, found } = bandBlobs(mask);
  const own = glyphs.map((_, i) => glyphBlob(mask, found, band, centres, i));
  // Heights above the baseline (where small letters without descenders end): what hangs below does not matter.
  const bottoms = own.filter((b, i): b is Blob => b !== undefined && (X_HEIGHT.test(glyphs[i]!.char) || CAP_HEIGHT.test(glyphs[i]!.char)));
  if (!bottoms.length) return undefined;
  const baseline = median(bottoms.map((b) => b.bottom));
  // A size-only letter touching its neighbours (a wide `W` in monospace) has no blob of its own:
  // its height is the top of the ink between the midpoints to its neighbours' spikes.
  const heights = own.map((b, i) => (b ? baseline - b.top + 1 : SIZE_ONLY.test(glyphs[i]!.char) ? sliceHeight(mask, band, centres, i, baseline) : 0));
  const of = (re: RegExp) => heights.filter((h, i) => h > 0 && re.test(glyphs[i]!.char));
  const xs = of(X_HEIGHT);
  const caps = of(CAP_HEIGHT);
  return { centres, blobs: found.list, own, baseline, heights, xh: xs.length ? median(xs) : undefined, cap: caps.length ? median(caps) : undefined };
}

/** Height above the baseline of the ink in glyph `i`'s own columns (between the midpoints to its neighbours); 0 where none. */
function sliceHeight(m: Mask, [b0, b1]: [number, number], centres: readonly number[], i: number, baseline: number): number {
  const c = centres[i]!;
  const half = (k: number) => (centres[k] !== undefined ? Math.abs(centres[k]! - c) / 2 : undefined);
  const left = half(i - 1) ?? half(i + 1);
  const right = half(i + 1) ?? half(i - 1);
  if (left === undefined || right === undefined) return 0;
  const x0 = Math.max(0, Math.ceil(c - left + 1));
  const x1 = Math.min(m.width - 1, Math.floor(c + right - 1));
  for (let y = b0; y <= Math.min(b1, baseline); y++) for (let x = x0; x <= x1; x++) if (m.ink[y * m.width + x]) return baseline - y + 1;
  return 0;
}

/** Case by height, then doubled hyphens: what the crop shows that the recogniser missed. */
export function correctByShape(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask): CtcChar[] {
  if (!glyphs.some((g) => SIZE_ONLY.test(g.char) || g.char === '-' || g.char === '0')) return [...glyphs];
  const ink = measureLine(glyphs, pxPerStep, mask);
  // Below ~5 px of x-height the sizes are a pixel apart: no call.
  if (!ink || (ink.xh ?? ink.cap ?? 0) < 5) return [...glyphs];
  return restoreDoubleHyphens(restoreCaseByHeight(glyphs, ink), pxPerStep, ink);
}

/**
 * Sets the case of c o s v w x z by the glyph's ink height against the line's x-height (from
 * a e m n r u) and cap height (capitals, digits). Unchanged where the line has neither, or the
 * height is not clearly one of them.
 */
function restoreCaseByHeight(glyphs: readonly CtcChar[], { heights, xh, cap, own, baseline }: LineInk): CtcChar[] {
  const words = wordsOf(glyphs, own, xh ?? cap!);
  return glyphs.map((g, i) => {
    const h = heights[i]!;
    // A zero of x-height is the letter (`-o` read `-0`): figures stand as tall as capitals. The
    // blob must stand on the baseline: a dotted or slashed zero's inner mark is centred on the spike too.
    if (g.char === '0') {
      if (!own[i] || own[i]!.bottom < baseline - 1) return g;
      // Against the x-height alone (a Chinese line's "-0, --owner"): figures stand a third taller.
      const small = xh !== undefined && cap !== undefined && cap > 1.15 * xh ? (h - xh) / (cap - xh) < 0.3 : xh !== undefined ? cap === undefined && h < 1.08 * xh : cap !== undefined && h < 0.82 * cap;
      return h > 0 && small ? { ...g, char: 'o' } : g;
    }
    if (!SIZE_ONLY.test(g.char) || h === 0) return g;
    // Inline code sets capitals in a smaller font than the prose around it ("CROSS_DEVICE_PATH"):
    // in a word of capitals only, a size-only letter as tall as they are is one too.
    const word = glyphs.map((_, k) => k).filter((k) => words[k] === words[i] && heights[k]! > 0);
    const wordCaps = word.filter((k) => CAP_HEIGHT.test(glyphs[k]!.char)).map((k) => heights[k]!);
    const capsOnly = wordCaps.length >= 2 && !word.some((k) => /^[a-z]$/.test(glyphs[k]!.char) && !SIZE_ONLY.test(glyphs[k]!.char));
    let upper: boolean | undefined;
    if (capsOnly && h >= 0.9 * median(wordCaps)) upper = true;
    else if (xh !== undefined && cap !== undefined && cap > 1.15 * xh) {
      const r = (h - xh) / (cap - xh);
      upper = r > 0.7 ? true : r < 0.3 ? false : undefined;
    } else if (xh !== undefined) {
      // Two pixels over the x-height at a fifth taller is a capital too: DejaVu Sans Mono's 10 px capitals over 8 px small letters.
      upper = h > 1.25 * xh || (h >= 1.2 * xh && h - xh >= 2) ? true : h < 1.08 * xh ? false : undefined;
    }
    else if (cap !== undefined) upper = h > 0.93 * cap ? true : h < 0.82 * cap ? false : undefined;
    if (upper === undefined) return g;
    const char = upper ? g.char.toUpperCase() : g.char.toLowerCase();
    return char === g.char ? g : { ...g, char };
  });
}

/** Word number of each glyph: a new word after a recogniser's space or a blank wider than half the x-height. */
function wordsOf(glyphs: readonly CtcChar[], own: ReadonlyArray<Blob | undefined>, xh: number): number[] {
  let word = 0;
  return glyphs.map((g, i) => {
    const a = own[i - 1];
    const b = own[i];
    if (i > 0 && (g.spaceBefore >= 0.5 || (a && b && b.x0 - a.x1 > 0.5 * xh))) word++;
    return word;
  });
}

/**
 * CTC merges two hyphens in a row ("--format" read "-format"): a lone hyphen whose span between
 * its neighbours holds two hyphen-shaped blobs, or, opening a word before a letter (a flag), one
 * bar as long as two, is two hyphens.
 */
function restoreDoubleHyphens(glyphs: readonly CtcChar[], pxPerStep: number, { centres, blobs: all, own, baseline, xh }: LineInk): CtcChar[] {
  if (xh === undefined) return [...glyphs];
  const bar = (b: Blob) => {
    const h = b.bottom - b.top + 1;
    const mid = baseline - (b.top + b.bottom) / 2;
    return h <= Math.max(2, 0.3 * xh) && b.x1 - b.x0 + 1 >= 1.2 * h && mid >= 0.2 * xh && mid <= 0.8 * xh;
  };
  const out: CtcChar[] = [];
  glyphs.forEach((g, i) => {
    const prev = glyphs[i - 1]?.char;
    const next = glyphs[i + 1]?.char;
    if (g.char !== '-' || prev === '-' || next === '-') return out.push(g);
    const lo = i > 0 ? centres[i - 1]! : -Infinity;
    const hi = i + 1 < glyphs.length ? centres[i + 1]! : Infinity;
    const bars = all.filter((b) => (b.x0 + b.x1) / 2 > lo && (b.x0 + b.x1) / 2 < hi && bar(b)).sort((a, b) => a.x0 - b.x0);
    const at = (x: number) => x / pxPerStep - 0.5;
    const flagStart = (prev === undefined || /^[\s[(=,]$/.test(prev) || g.spaceBefore >= 0.5) && /^[A-Za-z]$/.test(next ?? '');
    // The two hyphens as far apart as the bars' centres, one of them at the spike: CTC spikes
    // sit a steady offset from glyph centres, and a monospace line is read on the spikes' grid.
    const two = (x0: number, x1: number) => {
      const spike = (g.start + g.end) / 2;
      const d = at(x1) - at(x0);
      const first = Math.abs(at(x0) - spike) <= Math.abs(at(x1) - spike) ? spike : spike - d;
      out.push({ ...g, start: first, end: first }, { ...g, start: first + d, end: first + d, spaceBefore: 0 });
    };
    const c = (b: Blob) => (b.x0 + b.x1) / 2;
    const nextBlob = own[i + 1];
    if (bars.length === 2) two(c(bars[0]!), c(bars[1]!));
    else if (bars.length === 1 && flagStart && bars[0]!.x1 - bars[0]!.x0 + 1 > 0.85 * xh && nextBlob && nextBlob.x0 - bars[0]!.x1 < 0.5 * xh) {
      // One bar as long as two, right against the letter after it (an em dash stands apart).
      const b = bars[0]!;
      const w = b.x1 - b.x0 + 1;
      two(b.x0 + w / 4, b.x0 + (3 * w) / 4);
    } else out.push(g);
    return out.length;
  });
  return out;
}
