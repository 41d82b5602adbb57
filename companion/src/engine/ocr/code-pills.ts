import type { Rgb } from './raster';

/**
 * Inline-code pills (GitHub's `code` spans: a rounded box a shade off the page behind the code).
 * The pill's padding leaves a blank as wide as a word space at each end, which the recogniser
 * and the gap rule read as a space ("npm run lint : runs" for "`npm run lint`: runs"). Where a
 * pill's edge lies between two glyphs, only the blank outside the pill tells whether a space was
 * typed there. Pills are found per line crop: columns whose background, in the text's rows, is
 * the second background colour rather than the page's.
 */
export interface Pill {
  /** Crop columns [x0, x1). */
  x0: number;
  x1: number;
}

export const CODE_PILLS = {
  /** Pill colours differ from the page by this much at least (sum of RGB differences)... */
  minShade: 8,
  /** ...and at most this (more is ink or a rule). */
  maxShade: 48,
  /** A pixel this close to a background colour has that colour. */
  near: 5,
  /**
   * The blank outside a pill edge that is a typed space, in line ink heights (a space is about
   * 0.4 of them, a glyph's side bearing under 0.15).
   */
  spaceRatio: 0.25,
} as const;

const dist = (d: Uint8Array, i: number, c: readonly number[]) => Math.abs(d[i]! - c[0]!) + Math.abs(d[i + 1]! - c[1]!) + Math.abs(d[i + 2]! - c[2]!);

/**
 * The crop's two commonest colours among its top and bottom rows' pixels, when they are a shade
 * apart: the page and a pill. A pill is tinted toward the text (darker on a light page, lighter
 * on a dark one), so the page is the one farther from the ink — several pills can cover more of
 * a line's margins than the page does.
 */
function backgrounds(crop: Rgb): { page: number[]; pill: number[] } | undefined {
  const counts = new Map<number, number>();
  const d = crop.data;
  for (const y of new Set([0, 1, crop.height - 2, crop.height - 1])) {
    if (y < 0) continue;
    for (let x = 0; x < crop.width; x++) {
      const i = (y * crop.width + x) * 3;
      const key = (d[i]! << 16) | (d[i + 1]! << 8) | d[i + 2]!;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const rgb = (k: number) => [(k >> 16) & 255, (k >> 8) & 255, k & 255];
  const first = rgb(top[0]![0]);
  const total = 4 * crop.width;
  const second = top.slice(1, 4).map(([key, n]) => ({ c: rgb(key), n })).find(({ c, n }) => {
    const shade = Math.abs(c[0]! - first[0]!) + Math.abs(c[1]! - first[1]!) + Math.abs(c[2]! - first[2]!);
    return n >= 0.04 * total && shade >= CODE_PILLS.minShade && shade <= CODE_PILLS.maxShade;
  })?.c;
  if (!second) return undefined;
  let ink = 0, far = -1;
  for (let i = 0; i < d.length; i += 3) {
    const v = dist(d, i, first);
    if (v > far) [far, ink] = [v, i];
  }
  return dist(d, ink, first) >= dist(d, ink, second) ? { page: first, pill: second } : { page: second, pill: first };
}

/** The pills in a line crop (none on most lines). */
export function findPills(crop: Rgb): Pill[] {
  const bg = backgrounds(crop);
  if (!bg) return [];
  const d = crop.data;
  // The text's rows: the middle half, where a pill's rounded corners do not reach.
  const y0 = Math.floor(crop.height / 4);
  const y1 = Math.ceil((3 * crop.height) / 4);
  // Per column: 1 pill, 0 page, -1 no background seen (ink all the way).
  const state = new Int8Array(crop.width);
  for (let x = 0; x < crop.width; x++) {
    let pill = 0, page = 0;
    for (let y = y0; y < y1; y++) {
      const i = (y * crop.width + x) * 3;
      if (dist(d, i, bg.pill) <= CODE_PILLS.near) pill++;
      else if (dist(d, i, bg.page) <= CODE_PILLS.near) page++;
    }
    state[x] = pill + page === 0 ? -1 : pill > page ? 1 : 0;
  }
  const pills: Pill[] = [];
  let start = -1;
  for (let x = 0; x <= crop.width; x++) {
    const s = x < crop.width ? state[x]! : 0;
    if (s === 1 && start < 0) start = x;
    else if (s === 0 && start >= 0) {
      // Columns of ink at the run's end belong to whatever comes next.
      let end = x;
      while (end > start && state[end - 1] === -1) end--;
      if (end - start >= 0.6 * crop.height) pills.push({ x0: start, x1: end });
      start = -1;
    }
  }
  return pills;
}

/**
 * Whether a space was typed between two glyphs whose blank lies in crop columns [from, to), when
 * a pill edge is there: the blank outside the pill (from its edge to the ink beyond) decides.
 * Undefined where no pill edge lies between them.
 */
export function spaceAtPillEdge(pills: readonly Pill[], columns: Uint8Array, from: number, to: number, inkHeight: number): boolean | undefined {
  const min = Math.max(2, CODE_PILLS.spaceRatio * inkHeight);
  // The glyphs' ink can start past the CTC spikes' span: the blank is measured to the ink itself.
  for (const p of pills) {
    if (p.x1 > from && p.x1 < to) {
      let x = p.x1;
      while (x < columns.length && !columns[x]) x++;
      return x - p.x1 >= min;
    }
    if (p.x0 > from && p.x0 < to) {
      let x = p.x0 - 1;
      while (x >= 0 && !columns[x]) x--;
      return p.x0 - 1 - x >= min;
    }
  }
  return undefined;
}

/** Whether the blank between two glyphs, crop columns [from, to), lies inside one pill. */
export function insidePill(pills: readonly Pill[], from: number, to: number): boolean {
  return pills.some((p) => p.x0 <= from && p.x1 >= to);
}
