import { glyphBlobs, inkBlobs, inkMask, X_HEIGHT, type Blob, type Mask } from './glyph-shape';
import { median } from './median';
import type { LineGlyphs } from './one-or-ell';
import { luminanceAt, type Rgb } from './raster';

/**
 * A capital `I` read as a small `l` inside a word ("isInsideContainer" → "islnsideContainer",
 * "getElementById" → "getElementByld", "APIs" → "APls"), or the reverse. In the sans fonts pages
 * use both are one plain stroke; what differs is the height: `I` stands as tall as the capitals,
 * `l` as tall as the ascenders of `b d h k`, a pixel or so above them. So each stroke's top is
 * measured to a fraction of a pixel (from the anti-aliased edge) against the sure capitals and
 * ascender letters of its line, or of the page's lines of its size; only a stroke clearly at one
 * of the two heights, on a page whose sure `l`s and `I`s are measured where they should be, changes.
 */
export const CAP_OR_ELL = {
  /** Least recogniser probability of a reference glyph. */
  sureProb: 0.9,
  /** Least gap (px) between the ascender and cap heights: fonts that draw them alike give no call. */
  minGap: 0.5,
  /** A stroke is a capital below this share of the way from the cap height to the ascender height, a small `l` above 1 minus it. */
  share: 0.3,
  /** Least cap height (px) to judge by. */
  minCap: 7,
  /** Crops within this share of each other's height are one size of text. */
  sameSize: 0.15,
  /** ... and of x-heights this close (px). */
  sameXHeight: 0.3,
  /** Least lines lending a reference height. */
  minPeers: 1,
} as const;

/** Capitals with a flat top at the cap height (no overshoot, no apex). */
const FLAT_CAPS = /^[BDEFHKLMNPRTZ]$/;
/** Small letters whose stem rises to the ascender height (`l` is the question, `f` `t` are shorter or curl). */
const ASCENDERS = /^[bdhk]$/;


/** How much ink each pixel holds (0 background, 1 full ink), from the luminance between the crop's two levels. */
function coverage(crop: Rgb, mask: Mask): Float32Array {
  const n = mask.width * mask.height;
  const bg: number[] = [];
  const ink: number[] = [];
  for (let i = 0; i < n; i += mask.ink[i] ? 1 : 3) (mask.ink[i] ? ink : bg).push(luminanceAt(crop, i));
  const back = median(bg);
  const far = ink.map((v) => Math.abs(v - back)).sort((a, b) => a - b);
  const full = far[Math.floor(0.8 * (far.length - 1))] ?? 0;
  const cov = new Float32Array(n);
  if (full <= 0) return cov;
  for (let i = 0; i < n; i++) cov[i] = Math.min(1, Math.abs(luminanceAt(crop, i) - back) / full);
  return cov;
}

/** A blob's top edge to a fraction of a pixel: the partly inked rows at its top counted by their ink. */
function topEdge(cov: Float32Array, width: number, b: Blob): number {
  const row = (y: number) => {
    if (y < 0) return 0;
    let m = 0;
    for (let x = b.x0; x <= b.x1; x++) m = Math.max(m, cov[y * width + x]!);
    return m;
  };
  const ref = Math.max(row(b.top + 1), row(b.top + 2), 0.01);
  const share = (y: number) => Math.min(1, row(y) / ref);
  return b.top + 1 - share(b.top) - share(b.top - 1);
}

interface Measured {
  /** Height above the baseline of each glyph's blob (fractional), undefined where none. */
  heights: Array<number | undefined>;
  cap?: number;
  asc?: number;
  /** Median x-height (fractional): only lines of the same x-height lend their references. */
  xh?: number;
  glyphs: LineGlyphs['chars'];
  at: number[];
  own: Array<Blob | undefined>;
  all: readonly Blob[];
}

function measure(line: LineGlyphs, crop: Rgb): Measured | undefined {
  const at = line.chars.map((c, i) => (c.char === ' ' ? -1 : i)).filter((i) => i >= 0);
  const glyphs = at.map((i) => line.chars[i]!);
  if (!glyphs.some((g) => g.char === 'l' || g.char === 'I')) return undefined;
  const mask = inkMask(crop);
  const own = glyphBlobs(glyphs, line.pxPerStep, mask);
  const standing = own.filter((b, k): b is Blob => !!b && (FLAT_CAPS.test(glyphs[k]!.char) || /^[acemnrsuvwxz]$/.test(glyphs[k]!.char)));
  if (standing.length < 3) return undefined;
  const baseline = median(standing.map((b) => b.bottom));
  const cov = coverage(crop, mask);
  const heights = own.map((b) => (b ? baseline + 1 - topEdge(cov, mask.width, b) : undefined));
  const of = (re: RegExp) => heights.filter((h, k): h is number => h !== undefined && re.test(glyphs[k]!.char) && glyphs[k]!.prob >= CAP_OR_ELL.sureProb);
  const caps = of(FLAT_CAPS);
  const ascs = of(ASCENDERS);
  const xs = of(X_HEIGHT);
  return { heights, glyphs, at, own, all: inkBlobs(mask), ...(caps.length ? { cap: median(caps) } : {}), ...(ascs.length ? { asc: median(ascs) } : {}), ...(xs.length ? { xh: median(xs) } : {}) };
}

/** A plain upright stroke with nothing above it (an `i`'s dot). */
function plainStroke(m: Measured, k: number): boolean {
  const b = m.own[k];
  if (!b) return false;
  const h = b.bottom - b.top + 1;
  if (b.x1 - b.x0 + 1 > Math.max(2, 0.3 * h)) return false;
  return !m.all.some((o) => o !== b && o.bottom < b.top && o.x1 >= b.x0 - 1 && o.x0 <= b.x1 + 1);
}

/** Sets, in place, each `l` or `I` that is a plain stroke clearly at the other's height. */
export function settleCapOrEll(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  const measured = lines.map((line, i) => measure(line, crops[i]!));
  const similar = (a: number, b: number) => Math.abs(crops[a]!.height - crops[b]!.height) <= CAP_OR_ELL.sameSize * crops[a]!.height;
  measured.forEach((m, i) => {
    if (!m) return;
    // Lines of the same text size and style lend their references (a heading or inline code is another size).
    const peers = m.xh === undefined ? [] : measured.filter((p, k): p is Measured => !!p && k !== i && similar(i, k) && p.xh !== undefined && Math.abs(p.xh - m.xh!) <= CAP_OR_ELL.sameXHeight);
    const lent = (pick: (p: Measured) => number | undefined) => {
      const got = peers.flatMap((p) => (pick(p) !== undefined ? [pick(p)!] : []));
      return got.length >= CAP_OR_ELL.minPeers ? median(got) : undefined;
    };
    const cap = m.cap ?? lent((p) => p.cap);
    const asc = m.asc ?? lent((p) => p.asc);
    if (cap === undefined || asc === undefined || cap < CAP_OR_ELL.minCap || asc - cap < CAP_OR_ELL.minGap) return;
    m.glyphs.forEach((g, k) => {
      const h = m.heights[k];
      if ((g.char !== 'l' && g.char !== 'I') || h === undefined || !plainStroke(m, k)) return;
      const r = (h - cap) / (asc - cap);
      const char = r < CAP_OR_ELL.share ? 'I' : r > 1 - CAP_OR_ELL.share ? 'l' : g.char;
      if (char !== g.char) lines[i]!.chars[m.at[k]!] = { ...g, char };
    });
  });
}
