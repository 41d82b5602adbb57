import type { CtcChar } from './ctc';
import { inkMask, textBand, type Mask } from './glyph-shape';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/**
 * A `d` read twice in small type: its bowl as a `c` before it or its stem as an `l` after it
 * ("destination" → "dlestination", "side" → "sicdle", "pam.d" → "pam.dl"). At 12–14 px the
 * recogniser's 48 px crop blurs the bowl and the stem into two glyphs; the line crop shows one:
 * - an `l` after the `d` is a ghost when its spike sits on the `d`'s own stem (the first stroke
 *   reaching above the x-height right of the `d`'s spike, one stroke wide), not on a stem of its own;
 * - a `c` before the `d` is a ghost when no blank column parts it from the `d` (a real `c` is
 *   open to the right and stands a column apart).
 * Touching glyphs (an `i` against the `d`, a slash after it) do not matter: only columns count.
 */
export const GHOST_STEMS = {
  /** A ghost is read unsure: the recogniser saw a glyph there, but not clearly. */
  maxProb: 0.9,
  /** Most time steps between the `d`'s spike and the ghost's. */
  maxSteps: 2,
  /** How far (px) the ghost's spike may sit off the `d`'s stem. */
  stemReach: 1.5,
  /** Widest stem (over the stem's height) of one glyph: two stems side by side are wider. */
  maxStemWidth: 0.35,
  /** Least ascender (px) above the `d`'s bowl: below that the stem cannot be told from the bowl. */
  minAscender: 2,
} as const;

const centre = (c: CtcChar, pxPerStep: number) => ((c.start + c.end) / 2 + 0.5) * pxPerStep;

/** Per column: the first inked row of the band (Infinity where the column is blank). */
function columnTops(m: Mask, [b0, b1]: [number, number]): Float64Array {
  const tops = new Float64Array(m.width).fill(Infinity);
  for (let x = 0; x < m.width; x++) {
    for (let y = b0; y <= b1; y++) {
      if (m.ink[y * m.width + x]) {
        tops[x] = y;
        break;
      }
    }
  }
  return tops;
}

/** The `d`'s stem: the first run of columns right of its spike whose ink reaches above the bowl; undefined where the ascender does not show. */
function stemOf(tops: Float64Array, dc: number, band: [number, number]): { x0: number; x1: number; height: number } | undefined {
  const at = Math.min(tops.length - 1, Math.max(0, Math.round(dc - 0.5)));
  const bowlTop = tops[at]!;
  if (!Number.isFinite(bowlTop)) return undefined;
  let x0 = at;
  while (x0 < tops.length && !(tops[x0]! <= bowlTop - GHOST_STEMS.minAscender)) x0++;
  // The stem stands within a glyph of the spike.
  if (x0 >= tops.length || x0 - at > band[1] - band[0]) return undefined;
  const top = tops[x0]!;
  const tall = (x: number) => tops[x]! <= (top + bowlTop) / 2;
  let x1 = x0;
  while (x1 + 1 < tops.length && tall(x1 + 1)) x1++;
  return { x0, x1, height: band[1] - top + 1 };
}

/** Drops, in place, a `c` before or an `l` after a `d` that is the `d`'s own ink (see GHOST_STEMS). */
export function dropGhostStems(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    const { chars, pxPerStep } = line;
    const candidate = (d: number, k: number) => {
      const g = chars[k];
      if (!g || chars[d]!.char !== 'd' || g.prob >= GHOST_STEMS.maxProb || g.char !== (k > d ? 'l' : 'c')) return false;
      if ((k > d ? g.start - chars[d]!.end : chars[d]!.start - g.end) > GHOST_STEMS.maxSteps) return false;
      // No space between them: the recogniser's own space class.
      return (k > d ? g : chars[d]!).spaceBefore < 0.5;
    };
    const pairs = chars.flatMap((c, i) => (c.char === 'd' ? [i - 1, i + 1].filter((k) => candidate(i, k)).map((k) => [i, k] as const) : []));
    if (!pairs.length) return;
    const mask = inkMask(crops[li]!);
    const band = textBand(mask);
    const tops = columnTops(mask, band);
    const drop = new Set<number>();
    for (const [d, k] of pairs) {
      const dc = centre(chars[d]!, pxPerStep);
      const gc = centre(chars[k]!, pxPerStep);
      const stem = stemOf(tops, dc, band);
      if (!stem || stem.x1 - stem.x0 + 1 > Math.max(2, GHOST_STEMS.maxStemWidth * stem.height)) continue;
      if (k > d) {
        if (gc >= stem.x0 + 0.5 - GHOST_STEMS.stemReach && gc <= stem.x1 + 0.5 + GHOST_STEMS.stemReach) drop.add(k);
        continue;
      }
      // The bowl left of the stem, no blank column between the ghost's spike and the `d`'s.
      let blank = false;
      for (let x = Math.ceil(gc - 0.5); x <= Math.floor(dc - 0.5); x++) if (!Number.isFinite(tops[x]!)) blank = true;
      if (!blank && gc < stem.x0) {
        drop.add(k);
        // The space before the bowl is the `d`'s.
        chars[d] = { ...chars[d]!, spaceBefore: Math.max(chars[d]!.spaceBefore, chars[k]!.spaceBefore) };
      }
    }
    if (drop.size) line.chars = chars.filter((_, i) => !drop.has(i));
  });
}
