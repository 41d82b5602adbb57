import { inkTest, type InkTest } from './char-grid';
import { DASH_RULE } from './grid-cells';
import { median } from './median';
import { framedTables, rulesOf } from './ruled-lines';
import type { Rect, Rgb } from './raster';

/**
 * Comment banners (`//-------`, `# ======`) the detector boxes round their dashes alone: a box a
 * fraction of a line high, many lines wide, missing the `//` it starts with. Read as it is, the
 * crop gives spaced dashes ("- - - -", each a word) or nothing. Such a box is put back on the
 * page's line rhythm at the full line height and widened over the ink that joins it in that band
 * (the comment mark), so it is read like the banner lines the detector did box whole.
 */
export const RULE_BOX = {
  /** Shorter than this (median box heights)… */
  maxHeight: 0.85,
  /** …and wider than this (median box heights). */
  minWidth: 6,
  /** At most this high (median box heights), a wide box is a rule of marks (stars sit high and small in their cells). */
  starRowHeight: 0.45,
  /** Share of its inked columns a rule's box has inked in a thin band only (dashes; a text line's letters have stems). */
  dashShare: 0.6,
  /** Ink this close (box heights) to the box's end, in the line's band, belongs to it. */
  joinGap: 0.4,
  /** A box in the band narrower than this (median box heights) and short is a crumb of the banner (a dash or slash boxed alone): taken in. */
  crumbWidth: 2,
} as const;

export interface RuleBoxes {
  rects: Rect[];
  /** Indices of the boxes put on a banner (reboxed or added): their reading is a rule, however unsure. */
  banners: Set<number>;
  /** Indices of small boxes a banner's box took in: not read on their own. */
  swallowed: Set<number>;
}

const centreY = (r: Rect) => (r[1] + r[3]) / 2;

/** A reading to keep: sure, or an unsure one of a banner's box that is a dash run (its cells write it again, grid-cells.ts). */
export function keepReading(ruled: RuleBoxes, i: number, text: string, score: number): boolean {
  return score >= 0.5 || (ruled.banners.has(i) && DASH_RULE.test(text));
}

export function reboxRuleLines(img: Rgb, rects: readonly Rect[]): Rect[] {
  return ruleLineBoxes(img, rects).rects;
}

export function ruleLineBoxes(img: Rgb, rects: readonly Rect[]): RuleBoxes {
  const none = (): RuleBoxes => ({ rects: [...rects], banners: new Set(), swallowed: new Set() });
  if (rects.length < 3) return none();
  const h = median(rects.map((r) => r[3] - r[1]));
  const ink = inkTest(img);
  // A box under half a line high is a rule whatever its columns (a row of stars boxed round its
  // stars, read in so thin a crop as stars and 水); a taller one must be dashes, not letters' stems.
  const thin = (r: Rect) => r[3] - r[1] < RULE_BOX.maxHeight * h && r[2] - r[0] > RULE_BOX.minWidth * h && (r[3] - r[1] <= RULE_BOX.starRowHeight * h || dashShare(ink, r, h) >= RULE_BOX.dashShare);
  // A ruled line in no box and no drawn table (`/*-----*` + `/` alone on its row): boxed round its dashes first.
  const rules = rulesOf(img);
  const tables = framedTables(img, ink, rules);
  const free = rules
    .filter((r) => !tables.some((t) => r.y0 >= t.y0 && r.y1 <= t.y1))
    .map((r): Rect => {
      // Boxes in its row (a line number before it) cut it back.
      const mid = (r.x0 + r.x1) / 2;
      const row = rects.filter((q) => q[1] <= r.y1 + 1 && q[3] >= r.y0 - 1 && q[0] < r.x1 && q[2] > r.x0);
      const x0 = Math.max(r.x0, ...row.filter((q) => (q[0] + q[2]) / 2 < mid).map((q) => q[2] + 1));
      const x1 = Math.min(r.x1 + 1, ...row.filter((q) => (q[0] + q[2]) / 2 >= mid).map((q) => q[0] - 1));
      return [x0, r.y0 - 1, x1, r.y1 + 2];
    })
    .filter((r) => r[2] - r[0] > RULE_BOX.minWidth * h && !rects.some((q) => q[1] <= r[3] && q[3] >= r[1] && q[0] < r[2] && q[2] > r[0]));
  const all = [...rects, ...free];
  if (!all.some(thin)) return none();
  return rebox(img, ink, all, h, thin);
}

function rebox(img: Rgb, ink: InkTest, rects: readonly Rect[], h: number, thin: (r: Rect) => boolean): RuleBoxes {
  const full = rects.filter((r) => !thin(r) && r[3] - r[1] > RULE_BOX.maxHeight * h);
  const centres = [...new Set(full.map(centreY))].sort((a, b) => a - b);
  const pitch = median(centres.slice(1).map((c, i) => c - centres[i]!).filter((d) => d > 0.8 * h && d < 2.5 * h));
  const banners = new Set<number>();
  const swallowed = new Set<number>();
  if (!(pitch > 0)) return { rects: [...rects], banners, swallowed };
  const crumb = (q: Rect) => !thin(q) && q[3] - q[1] < RULE_BOX.maxHeight * h && q[2] - q[0] < RULE_BOX.crumbWidth * h;
  const out = rects.map((r, i): Rect => {
    if (!thin(r)) return r;
    // The row slot nearest the box, a whole number of line pitches from the closest full line
    // (none when that is its own row: an editor's line number beside it).
    const c = centreY(r);
    const near = full.reduce((a, b) => (Math.abs(centreY(b) - c) < Math.abs(centreY(a) - c) ? b : a));
    const k = Math.round((c - centreY(near)) / pitch);
    const cy = centreY(near) + k * pitch;
    if (Math.abs(cy - c) > 0.4 * h) return r;
    const y0 = Math.max(0, Math.round(cy - (near[3] - near[1]) / 2));
    const y1 = Math.min(img.height, Math.round(cy + (near[3] - near[1]) / 2));
    const inBand = rects.map((q, k) => k).filter((k) => k !== i && centreY(rects[k]!) > y0 && centreY(rects[k]!) < y1);
    // A crumb in the band (the detector's box round one dash or slash of it) does not stop the box: it is taken in.
    const others = inBand.filter((k) => !crumb(rects[k]!)).map((k) => rects[k]!);
    const x0 = growOverInk(ink, r[0], y0, y1, -1, Math.ceil(RULE_BOX.joinGap * h), others, img.width);
    const x1 = growOverInk(ink, r[2], y0, y1, 1, Math.ceil(RULE_BOX.joinGap * h), others, img.width);
    for (const k of inBand) if (crumb(rects[k]!) && rects[k]![0] >= x0 - 1 && rects[k]![2] <= x1 + 1) swallowed.add(k);
    banners.add(i);
    return [x0, y0, x1, y1];
  });
  for (const k of swallowed) banners.delete(k);
  return { rects: out, banners, swallowed };
}

/** Of the box's inked columns, the share whose ink spans a few rows at most (a dash, not a stem). */
function dashShare(ink: InkTest, r: Rect, h: number): number {
  let inked = 0, flat = 0;
  for (let x = Math.max(0, Math.ceil(r[0])); x < Math.floor(r[2]); x++) {
    let top = -1, bottom = -1;
    for (let y = Math.max(0, Math.ceil(r[1])); y < Math.floor(r[3]); y++) {
      if (!ink(x, y)) continue;
      if (top < 0) top = y;
      bottom = y;
    }
    if (top < 0) continue;
    inked++;
    if (bottom - top + 1 <= Math.max(3, 0.15 * h)) flat++;
  }
  return inked ? flat / inked : 0;
}

/** From x, step outward while ink lies within `gap` columns in rows y0..y1, stopping at another box. */
function growOverInk(ink: InkTest, x: number, y0: number, y1: number, dir: 1 | -1, gap: number, others: readonly Rect[], width: number): number {
  let edge = x;
  let blank = 0;
  for (let cx = x + dir; cx >= 0 && cx < width && blank <= gap; cx += dir) {
    if (others.some((q) => cx >= q[0] && cx <= q[2])) break;
    let inked = false;
    for (let y = y0; y < y1 && !inked; y++) inked = ink(cx, y);
    if (inked) {
      edge = cx;
      blank = 0;
    } else blank++;
  }
  // The detector's margin round the ink.
  const pad = Math.round(gap / 2);
  return dir < 0 ? Math.max(0, Math.min(x, edge - pad)) : Math.min(width, Math.max(x, edge + 1 + pad));
}
