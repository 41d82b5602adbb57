import type { CtcChar } from './ctc';
import { median } from './median';
import { luminanceAt, type Rgb } from './raster';
import { otsu } from './spacing';

/**
 * What the recogniser cannot see at 48 px but the crop shows: letters whose capital is the
 * small letter drawn taller (c o s v w x z: "cRoss_DEVIcE", "-S" for "-s") and a double
 * hyphen read as one ("-format" for "--format"). Each glyph's ink is measured in the line crop
 * around its CTC spike, against the line's own letters.
 */

/** Letters whose capital differs from the small letter only in height. */
const SIZE_ONLY = /^[cosvwxzCOSVWXZ]$/;
/** Small letters with neither ascender nor descender: the line's x-height. */
const X_HEIGHT = /^[aemnru]$/;
/** Capitals and digits of cap height (the size-only ones excluded: they are the question). */
const CAP_HEIGHT = /^[ABDEFHIKLMNPRTUY2-9]$/;

interface Mask {
  ink: Uint8Array;
  width: number;
  height: number;
}

export function inkMask(crop: Rgb): Mask {
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
function textBand(m: Mask): [number, number] {
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

interface Blob {
  x0: number;
  x1: number;
  top: number;
  bottom: number;
}

/** Connected ink (8-neighbours) inside the band's rows: one blob per glyph where glyphs do not touch. */
function blobs(m: Mask, [b0, b1]: [number, number]): { label: Int32Array; list: Blob[] } {
  const label = new Int32Array(m.width * m.height).fill(-1);
  const list: Blob[] = [];
  const stack: number[] = [];
  for (let y = b0; y <= b1; y++) {
    for (let x = 0; x < m.width; x++) {
      const i = y * m.width + x;
      if (!m.ink[i] || label[i]! >= 0) continue;
      const blob = { x0: x, x1: x, top: y, bottom: y };
      label[i] = list.length;
      stack.push(i);
      while (stack.length) {
        const j = stack.pop()!;
        const jy = Math.floor(j / m.width);
        const jx = j - jy * m.width;
        blob.x0 = Math.min(blob.x0, jx);
        blob.x1 = Math.max(blob.x1, jx);
        blob.top = Math.min(blob.top, jy);
        blob.bottom = Math.max(blob.bottom, jy);
        for (let dy = -1; dy <= 1; dy++) {
          const ny = jy + dy;
          if (ny < b0 || ny > b1) continue;
          for (let dx = -1; dx <= 1; dx++) {
            const nx = jx + dx;
            const k = ny * m.width + nx;
            if (nx < 0 || nx >= m.width || !m.ink[k] || label[k]! >= 0) continue;
            label[k] = list.length;
            stack.push(k);
          }
        }
      }
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
function glyphBlob(m: Mask, found: { label: Int32Array; list: Blob[] }, [b0, b1]: [number, number], centres: readonly number[], i: number): Blob | undefined {
  const c = Math.round(centres[i]! - 0.5);
  let best: Blob | undefined;
  for (let x = Math.max(0, c - 1); x <= Math.min(m.width - 1, c + 1); x++) {
    for (let y = b0; y <= b1; y++) {
      const l = found.label[y * m.width + x]!;
      if (l < 0) continue;
      const blob = found.list[l]!;
      const off = (b: Blob) => Math.abs((b.x0 + b.x1) / 2 - centres[i]!);
      if (!best || off(blob) < off(best)) best = blob;
    }
  }
  if (!best) return undefined;
  const b = best;
  return centres.some((x, k) => k !== i && x >= b.x0 && x <= b.x1 + 1) ? undefined : b;
}

/**
 * Sets the case of c o s v w x z by the glyph's ink height against the line's x-height (from
 * a e m n r u) and cap height (capitals, digits). Unchanged where the line has neither, or the
 * height is not clearly one of them.
 */
export function restoreCaseByHeight(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask): CtcChar[] {
  if (!glyphs.some((g) => SIZE_ONLY.test(g.char))) return [...glyphs];
  const centres = glyphs.map((g) => ((g.start + g.end) / 2 + 0.5) * pxPerStep);
  const band = textBand(mask);
  const found = blobs(mask, band);
  const own = glyphs.map((_, i) => glyphBlob(mask, found, band, centres, i));
  // Heights above the baseline (where small letters without descenders end): what hangs below does not matter.
  const bottoms = own.filter((b, i): b is Blob => b !== undefined && (X_HEIGHT.test(glyphs[i]!.char) || CAP_HEIGHT.test(glyphs[i]!.char)));
  if (!bottoms.length) return [...glyphs];
  const baseline = median(bottoms.map((b) => b.bottom));
  const heights = own.map((b) => (b ? baseline - b.top + 1 : 0));
  const of = (re: RegExp) => heights.filter((h, i) => h > 0 && re.test(glyphs[i]!.char));
  const xs = of(X_HEIGHT);
  const caps = of(CAP_HEIGHT);
  const xh = xs.length ? median(xs) : undefined;
  const cap = caps.length ? median(caps) : undefined;
  // Below ~5 px of x-height the two sizes are a pixel apart: no call.
  if ((xh ?? cap ?? 0) < 5) return [...glyphs];
  return glyphs.map((g, i) => {
    const h = heights[i]!;
    if (!SIZE_ONLY.test(g.char) || h === 0) return g;
    let upper: boolean | undefined;
    if (xh !== undefined && cap !== undefined && cap > 1.15 * xh) {
      const r = (h - xh) / (cap - xh);
      upper = r > 0.7 ? true : r < 0.3 ? false : undefined;
    } else if (xh !== undefined) upper = h > 1.25 * xh ? true : h < 1.08 * xh ? false : undefined;
    else if (cap !== undefined) upper = h > 0.93 * cap ? true : h < 0.82 * cap ? false : undefined;
    if (upper === undefined) return g;
    const char = upper ? g.char.toUpperCase() : g.char.toLowerCase();
    return char === g.char ? g : { ...g, char };
  });
}
