import type { CtcChar } from './ctc';
import { glyphBlobs, inkMask, SIZE_ONLY, X_HEIGHT, CAP_HEIGHT, type Blob } from './glyph-shape';
import { median } from './median';
import type { Rgb } from './raster';

/**
 * The case of c o s u v w x z in a short piece with no letter to measure it against (`Oct` in an
 * `ls -l` field, a lone `C` ending a package row): glyph-shape.ts judges a letter against its own
 * line's x-height and cap height; here the line borrows them from the page's other lines of its
 * size (same crop height), which the same font draws at the same pixel sizes.
 */
export const PAGE_CASE = {
  /** Crops within this share of each other's height are one size of text. */
  sameSize: 0.15,
  /** With ascender letters of its own (`cwd` set in a heading's larger type): below this share of their height a letter is small, above the next a capital. */
  ofAscender: [0.8, 0.9],
  /** Least x-height (px) for a call, as in glyph-shape.ts. */
  minXHeight: 5,
} as const;

interface Measured {
  baseline: number;
  xh?: number;
  /** Height of the line's own `b d h k`. */
  asc?: number;
  cap?: number;
  own: Array<Blob | undefined>;
  glyphs: CtcChar[];
  at: number[];
}

/** Sets the case of size-only letters (in place) in lines that have no x-height letter of their own. */
export function settleCaseByPage(lines: ReadonlyArray<{ chars: CtcChar[]; pxPerStep: number }>, crops: readonly Rgb[]): void {
  const measured = lines.map((line, i): Measured | undefined => {
    const at = line.chars.map((c, k) => (c.char === ' ' ? -1 : k)).filter((k) => k >= 0);
    const glyphs = at.map((k) => line.chars[k]!);
    if (!glyphs.length) return undefined;
    const own = glyphBlobs(glyphs, line.pxPerStep, inkMask(crops[i]!));
    const standing = own.filter((b, k): b is Blob => !!b && (X_HEIGHT.test(glyphs[k]!.char) || CAP_HEIGHT.test(glyphs[k]!.char) || SIZE_ONLY.test(glyphs[k]!.char)));
    if (!standing.length) return undefined;
    const baseline = median(standing.map((b) => b.bottom));
    const height = (re: RegExp) => own.flatMap((b, k) => (b && re.test(glyphs[k]!.char) ? [baseline - b.top + 1] : []));
    const xs = height(X_HEIGHT);
    const caps = height(CAP_HEIGHT);
    const ascs = height(/^[bdhk]$/);
    return { baseline, own, glyphs, at, ...(xs.length ? { xh: median(xs) } : {}), ...(caps.length ? { cap: median(caps) } : {}), ...(ascs.length ? { asc: median(ascs) } : {}) };
  });
  const similar = (a: number, b: number) => Math.abs(crops[a]!.height - crops[b]!.height) <= PAGE_CASE.sameSize * crops[a]!.height;
  measured.forEach((m, i) => {
    if (!m || m.xh !== undefined || !m.glyphs.some((g) => SIZE_ONLY.test(g.char))) return;
    // Its own ascenders measure it: other lines of a like crop may be set in another size.
    if (m.asc !== undefined && m.cap === undefined) return settleByAscender(lines[i]!.chars, m, m.asc);
    const peers = measured.filter((p, k): p is Measured => !!p && k !== i && similar(i, k));
    const xs = peers.flatMap((p) => (p.xh !== undefined ? [p.xh] : []));
    const caps = peers.flatMap((p) => (p.cap !== undefined ? [p.cap] : []));
    if (xs.length < 2 || caps.length < 2) return;
    const xh = median(xs);
    const cap = median(caps);
    if (xh < PAGE_CASE.minXHeight || cap <= 1.15 * xh) return;
    m.glyphs.forEach((g, k) => {
      const b = m.own[k];
      if (!b || !SIZE_ONLY.test(g.char)) return;
      const r = (m.baseline - b.top + 1 - xh) / (cap - xh);
      const char = r > 0.7 ? g.char.toUpperCase() : r < 0.3 ? g.char.toLowerCase() : g.char;
      if (char !== g.char) lines[i]!.chars[m.at[k]!] = { ...g, char };
    });
  });
}

/** Sets the case of size-only letters (in place) by their height against the line's own ascender letters. */
function settleByAscender(chars: CtcChar[], m: Measured, asc: number): void {
  if (asc < 1.4 * PAGE_CASE.minXHeight) return;
  const [small, capital] = PAGE_CASE.ofAscender;
  m.glyphs.forEach((g, k) => {
    const b = m.own[k];
    if (!b || !SIZE_ONLY.test(g.char)) return;
    const r = (m.baseline - b.top + 1) / asc;
    const char = r < small ? g.char.toLowerCase() : r > capital ? g.char.toUpperCase() : g.char;
    if (char !== g.char) chars[m.at[k]!] = { ...g, char };
  });
}
