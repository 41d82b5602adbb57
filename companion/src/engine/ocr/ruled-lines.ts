import { inkTest, type InkTest } from './char-grid';
import type { Rgb } from './raster';

/**
 * The ruled lines of character-drawn tables, from pixels alone: a ruled line is a band of pixel
 * rows inked along most of a long span, with only the strokes crossing it (junctions, bars)
 * inked just above and below; rules one above another with the same ends are one table.
 */
export interface Rule {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
  /** Unbroken: box-drawing `─`; ASCII dashes leave gaps. */
  solid: boolean;
  /** Two strokes a few pixels apart: an ASCII `=====` rule (nvidia-smi's header line). */
  double?: boolean;
}

export interface Table {
  rules: Rule[];
  /** From the top rule's first row to the bottom rule's last. */
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

/** Share of columns x0..x1 inked in row y (0 outside the image). */
function rowShare(img: Rgb, ink: InkTest, y: number, x0: number, x1: number): number {
  if (y < 0 || y >= img.height) return 0;
  let n = 0;
  for (let x = x0; x <= x1; x++) if (ink(x, y)) n++;
  return n / (x1 - x0 + 1);
}

const pageRules = new WeakMap<Rgb, readonly Rule[]>();

/** The page's ruled lines on its own ink (`inkTest`), found once per image: missed marks, banner boxes and drawn tables each ask. */
export function rulesOf(img: Rgb): readonly Rule[] {
  let rules = pageRules.get(img);
  if (!rules) pageRules.set(img, (rules = findRules(img, inkTest(img))));
  return rules;
}

/**
 * Ruled lines: bands of at most four pixel rows inked along most of a long span (dashes cover
 * about half of each cell), with the rows two pixels above and below nearly empty — a dense text
 * row's neighbours are inked as well.
 */
export function findRules(img: Rgb, ink: InkTest): Rule[] {
  const bands: Rule[] = [];
  let open: Rule | undefined;
  const minSpan = Math.max(60, 0.1 * img.width);
  for (let y = 0; y < img.height; y++) {
    let first = -1, last = -1, count = 0;
    // Every third pixel first: most rows are background or text, far from a rule's coverage.
    for (let x = 0; x < img.width; x += 3) {
      if (!ink(x, y)) continue;
      if (first < 0) first = x;
      last = x;
      count++;
    }
    if (first < 0 || last - first + 3 < minSpan || 3 * count < 0.3 * (last - first + 3)) continue;
    first = -1;
    count = 0;
    for (let x = 0; x < img.width; x++) {
      if (!ink(x, y)) continue;
      if (first < 0) first = x;
      last = x;
      count++;
    }
    const span = last - first + 1;
    const ruled = first >= 0 && span >= minSpan && count >= 0.4 * span;
    if (ruled && open && y === open.y1 + 1) {
      open.y1 = y;
      open.x0 = Math.min(open.x0, first);
      open.x1 = Math.max(open.x1, last);
      open.solid &&= count >= 0.97 * span;
    } else if (ruled) {
      open = { y0: y, y1: y, x0: first, x1: last, solid: count >= 0.97 * span };
      bands.push(open);
    }
  }
  // An `=` rule's two strokes have blank rows between them; the x-height top and baseline of a
  // dense lowercase line (URLs in raw Markdown) are two such bands with the letters' stems between.
  // At 16 px the strokes can be two rows and three with one blank row between: any blank row tells.
  const hollow = (r: Rule) => {
    if (!r.double) return true;
    for (let y = r.y0 + 1; y < r.y1; y++) if (rowShare(img, ink, y, r.x0, r.x1) < 0.15) return true;
    return false;
  };
  return pairDoubles(bands).filter((r) => r.y1 - r.y0 <= (r.double ? 13 : 3) && rowShare(img, ink, r.y0 - 2, r.x0, r.x1) < 0.15 && rowShare(img, ink, r.y1 + 2, r.x0, r.x1) < 0.15 && hollow(r));
}

/**
 * Rows of one `=` stroke less one: three at most (2x pages draw them three or four rows thick).
 * Its two strokes' ends match within a few pixels, or within 1 % of the rule where a line number's
 * digits share its rows (each stroke then starts in another digit), or within most of the pair's
 * height where a `+` opens the rule (`+++-====`: its arm joins one stroke's rows, not the other's).
 */
const DOUBLE_STROKE = 3;
const endSlack = (a: Rule, b: Rule) => Math.max(3, 0.01 * (a.x1 - a.x0), 0.8 * (b.y1 - a.y0 + 1));

/** Two thin bands with the same ends, a few blank rows apart (up to twice the thinner's height: four at 2x), are the two strokes of `=`. */
function pairDoubles(bands: readonly Rule[]): Rule[] {
  const out: Rule[] = [];
  for (const b of bands) {
    const a = out[out.length - 1];
    const gap = a ? b.y0 - a.y1 - 1 : 0;
    if (a && !a.double && gap >= 1 && gap <= Math.max(3, 2 * Math.min(a.y1 - a.y0, b.y1 - b.y0) + 2) && a.y1 - a.y0 <= DOUBLE_STROKE && b.y1 - b.y0 <= DOUBLE_STROKE && Math.abs(a.x0 - b.x0) <= endSlack(a, b) && Math.abs(a.x1 - b.x1) <= endSlack(a, b)) {
      out[out.length - 1] = { y0: a.y0, y1: b.y1, x0: Math.min(a.x0, b.x0), x1: Math.max(a.x1, b.x1), solid: false, double: true };
    } else out.push(b);
  }
  return out;
}

/** Rules one above another with the same ends (within a few pixels) are one table; a table has two at least. */
export function groupTables(rules: readonly Rule[]): Table[] {
  const tables: Table[] = [];
  for (const r of rules) {
    const near = Math.max(6, 0.02 * (r.x1 - r.x0));
    const t = tables.find((t) => Math.abs(t.x0 - r.x0) <= near && Math.abs(t.x1 - r.x1) <= near && t.rules[0]!.solid === r.solid);
    if (t) {
      t.rules.push(r);
      t.y1 = r.y1;
    } else tables.push({ rules: [r], y0: r.y0, y1: r.y1, x0: r.x0, x1: r.x1 });
  }
  return tables.filter((t) => t.rules.length >= 2);
}

/**
 * Share of the rows y0..y1 with ink in columns x0..x1: a drawn table's bar (`|`, `│`) runs down
 * every text row under a rule's end, the line gaps included.
 */
function barShare(img: Rgb, ink: InkTest, x0: number, x1: number, y0: number, y1: number): number {
  let rows = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = Math.max(0, x0); x <= Math.min(img.width - 1, x1); x++) {
      if (ink(x, y)) {
        rows++;
        break;
      }
    }
  }
  return rows / Math.max(1, y1 - y0 + 1);
}

/** A bar in at least this share of the rows between two rules, at both ends: a drawn table. */
const BARRED_ROWS = 0.6;

/**
 * The tables (groupTables) whose rules are joined by bars at both ends. Two comment banners
 * (`//-----` or `/*-----` lines) with a heading between are rules with the same ends, but
 * nothing runs down from their ends; laid as a table, a whole editor page came back as cells.
 * A bar stands in the middle of the end cell (`+` is as wide as a `-`), within half a cell of the
 * rule's end; the closest two rules are a text row apart, a cell is about half a row wide.
 */
export function framedTables(img: Rgb, ink: InkTest, rules: readonly Rule[]): Table[] {
  return groupTables(rules).filter((t) => {
    const gaps = t.rules.slice(1).map((r, k): [number, number] => [t.rules[k]!.y1 + 2, r.y0 - 2]).filter(([y0, y1]) => y1 - y0 >= 2);
    if (!gaps.length) return true;
    const reach = Math.max(3, Math.round(0.5 * Math.min(...gaps.map(([y0, y1]) => y1 - y0 + 4))));
    return gaps.every(([y0, y1]) => barShare(img, ink, t.x0, t.x0 + reach, y0, y1) >= BARRED_ROWS && barShare(img, ink, t.x1 - reach, t.x1, y0, y1) >= BARRED_ROWS);
  });
}
