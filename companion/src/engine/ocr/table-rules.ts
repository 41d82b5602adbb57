import type { LaidLine } from './layout';
import { cellAt, columnProfile, findCharGrid, inkTest, type CharGrid, type InkTest } from './char-grid';
import { median } from './median';
import { cropRgb, type Rect, type Rgb } from './raster';
import { findPills } from './code-pills';
import { framedTables, rulesOf, type Rule, type Table } from './ruled-lines';
import { cellInk, checkCells, isDash, WIDE } from './grid-cells';

/**
 * Terminal tables drawn with characters (`+----+----+` and `|` as psql or nvidia-smi print them,
 * or box-drawing `┌──┬──┐ │`): the detector sees no text in a ruled line or a lone bar, and the
 * dictionary has no box corners. They are found in the image instead (ruled-lines.ts; a bar is a
 * column inked down a text row) and written out on the table's character grid (measured from
 * the pixels of its text, see char-grid.ts), one character per cell, so every `─` is counted.
 */
export interface TableScan {
  tables: Table[];
  grid: CharGrid;
  ink: InkTest;
  /** No table, but the whole page's text of this box height is on `grid` (a terminal). */
  pageLineHeight?: number;
}

const centreY = (r: Rect) => (r[1] + r[3]) / 2;
const insideTable = (t: Table, r: Rect) => centreY(r) > t.y0 && centreY(r) < t.y1 && r[0] < t.x1 && r[2] > t.x0;

/**
 * The page's character-drawn tables and their grid, from pixels alone (before the text is
 * read), or undefined when there are none. `rects` are the detector's text boxes.
 */
export function scanTables(img: Rgb, rects: readonly Rect[], latinEnds: readonly number[] = [], monospace?: readonly boolean[]): TableScan | undefined {
  const ink = inkTest(img);
  const tables = framedTables(img, ink, rulesOf(img)).filter((t) => !monospace || !isCard(t, rects, monospace));
  if (!tables.length) return pageGrid(img, ink, rects, latinEnds);
  const cells = rects.filter((r) => tables.some((t) => insideTable(t, r)));
  const h = median(cells.map((r) => r[3] - r[1]));
  const grid = cells.length ? findCharGrid(columnProfile(img, ink, cells), 0.32 * h, 0.7 * h, 0.15) : undefined;
  return grid && { tables, grid: pinToEnds(img, ink, tables[0]!, grid), ink };
}

/**
 * A bare frame (a top and a bottom rule, nothing ruled between) round text none of which is
 * monospace is the page's own border (a card, a framed selection), not a table drawn with characters.
 */
function isCard(t: Table, rects: readonly Rect[], monospace: readonly boolean[]): boolean {
  return t.rules.length === 2 && !rects.some((r, i) => monospace[i] && insideTable(t, r));
}

/** x centre of the first (or last) vertical stroke run in row y between x0 and x1. */
function strokeCentre(ink: InkTest, y: number, x0: number, x1: number, fromRight: boolean): number | undefined {
  const step = fromRight ? -1 : 1;
  let x = fromRight ? x1 : x0;
  while (x >= x0 && x <= x1 && !ink(x, y)) x += step;
  if (x < x0 || x > x1) return undefined;
  const start = x;
  while (x >= x0 && x <= x1 && ink(x, y)) x += step;
  return (start + x - step) / 2;
}

/**
 * The table's outer bars are a whole number of cells apart: their distance over that number is
 * the pitch to a few thousandths of a pixel, where the period of a short table's text can be a
 * tenth off. The left bar's cell centre then fixes the cell edges.
 */
function pinToEnds(img: Rgb, ink: InkTest, t: Table, grid: CharGrid): CharGrid {
  const r = t.rules[0]!;
  const y = r.y1 + 2;
  if (y >= img.height) return grid;
  const left = strokeCentre(ink, y, r.x0, Math.round(r.x0 + grid.pitch), false);
  const right = strokeCentre(ink, y, Math.round(r.x1 - grid.pitch), r.x1, true);
  if (left === undefined || right === undefined) return grid;
  const cells = Math.round((right - left) / grid.pitch);
  const pitch = (right - left) / cells;
  if (cells < 4 || Math.abs(pitch - grid.pitch) > 0.03 * grid.pitch) return grid;
  return { pitch, origin: (((left - pitch / 2) % pitch) + pitch) % pitch, strength: grid.strength };
}

/**
 * A terminal: most of the page's text, of its usual line height, on one grid that stands out.
 * A line holding inline-code pills is rendered Markdown, not terminal text: a list of pills
 * starting at one margin (`.js`, `.jsonc`, …) lines their glyphs up by chance.
 */
function pageGrid(img: Rgb, ink: InkTest, rects: readonly Rect[], latinEnds: readonly number[]): TableScan | undefined {
  const h = median(rects.map((r) => r[3] - r[1]));
  const lines = rects.filter((r) => ofPageSize(r, h) && !findPills(cropRgb(img, r)).length);
  if (lines.length < 3 || lines.length < 0.6 * rects.length) return undefined;
  // Chinese takes two cells a character: only the part of each line before it shows the one-cell period.
  const latin = lines.map((r): Rect => [r[0], r[1], Math.min(r[2], latinEnds[rects.indexOf(r)] ?? r[2]), r[3]]).filter((r) => r[2] - r[0] >= h);
  const grid = findCharGrid(columnProfile(img, ink, latin), 0.32 * h, 0.7 * h, PAGE_GRID_STRENGTH);
  // Two short lines split into three boxes (a caption, "Invoice 2048 / Total due 315 EUR") can look
  // periodic, tabular digits above all: a terminal's grid needs three rows of text at least.
  if (!grid || textRows(lines) < 3) return undefined;
  return { tables: [], grid, ink, pageLineHeight: h };
}

/** Where a line's Chinese starts in the image (its end when it has none), from the recogniser's time steps. */
export function latinEnd(rect: Rect, chars: ReadonlyArray<{ char: string; start: number }>, pxPerStep: number, cropWidth: number): number {
  const k = chars.findIndex((c) => WIDE.test(c.char));
  // A crop padded to read a short line is not in the rectangle's pixels.
  return k < 0 || cropWidth > rect[2] - rect[0] + 2 ? rect[2] : rect[0] + chars[k]!.start * pxPerStep;
}

/**
 * Measured on the tuning pages (pitch between 0.32 and 0.7 line heights: a monospace advance is
 * 0.6 em, a line box 1–1.5 em): English terminals 0.19–0.41, proportional pages 0.14 at most.
 */
const PAGE_GRID_STRENGTH = 0.18;

/** How many rows the boxes stand in: boxes whose vertical middles fall inside each other's extent share a row. */
function textRows(rects: readonly Rect[]): number {
  const middles = rects.map((r) => (r[1] + r[3]) / 2).sort((a, b) => a - b);
  const h = median(rects.map((r) => r[3] - r[1]));
  let rows = 0;
  let last = -Infinity;
  for (const m of middles) {
    if (m - last > h / 2) rows++;
    last = m;
  }
  return rows;
}

/** The pitch a text box is read on: its table's, or the page's grid for a line of the page's size. */
export function gridPitchFor(scan: TableScan | undefined, rect: Rect): number | undefined {
  if (!scan) return undefined;
  if (scan.tables.some((t) => insideTable(t, rect))) return scan.grid.pitch;
  const h = scan.pageLineHeight;
  return h !== undefined && ofPageSize(rect, h) ? scan.grid.pitch : undefined;
}

/**
 * A box of the page's text size. Boxes of one font vary with their glyphs: an editor's gutter
 * number ("35": no descender, no ascender over the digits) is a quarter lower than the code
 * beside it ("gpy{"), and half the boxes being numbers puts the median between the two.
 */
const ofPageSize = (r: Rect, h: number) => Math.abs(r[3] - r[1] - h) <= 0.3 * h;

/** What the recogniser makes of a ruled line: dashes, pluses and their look-alikes, a stray colon. */
const RULE_LIKE = /^[\s+十\-—一_─=|丨┌├:.'`~]+$/;

/**
 * Monospace lines checked cell by cell (grid-cells.ts), and the scanned tables' ruled lines and
 * bars as monospace pseudo-lines, added to the lines less the recogniser's misreadings of those
 * rules; every text line inside a table takes its grid's pitch.
 */
export function onCharacterGrid(img: Rgb, lines: readonly LaidLine[], scan: TableScan | undefined): LaidLine[] {
  if (!scan) {
    const ink = inkTest(img);
    return lines.map((l) => (l.pitch ? checkCells(img, ink, l) : l));
  }
  // A line of a terminal page is on the page's grid even where the recogniser's timing could not tell.
  if (!scan.tables.length) return lines.map(({ proportional, ...l }) => (gridPitchFor(scan, l.box) && !l.offGrid ? checkCells(img, scan.ink, { ...l, pitch: scan.grid.pitch }, { grid: scan.grid }) : l.pitch ? checkCells(img, scan.ink, l) : { ...l, ...(proportional ? { proportional } : {}) }));
  const { grid } = scan;
  const h = median(lines.map((l) => l.box[3] - l.box[1]));
  const rules = scan.tables.flatMap((t) => t.rules);
  const onRule = (l: LaidLine) => rules.some((r) => Math.abs(centreY(l.box) - (r.y0 + r.y1) / 2) < 0.35 * h);
  const columns = scan.tables.map((t) => barColumns(img, scan, t));
  const kept = lines
    .filter((l) => !(RULE_LIKE.test(l.text) && onRule(l)))
    .map(({ proportional, ...l }) => {
      const k = scan.tables.findIndex((t) => insideTable(t, l.box));
      if (k < 0) return l.pitch ? checkCells(img, scan.ink, l) : { ...l, ...(proportional ? { proportional } : {}) };
      const bar = scan.tables[k]!.rules[0]!.solid ? '│' : '|';
      return checkCells(img, scan.ink, { ...l, pitch: grid.pitch }, { grid, barCells: new Set(columns[k]), bar });
    });
  const out = [...kept];
  scan.tables.forEach((t, k) => out.push(...t.rules.map((r) => ruleLine(img, scan, r)), ...bars(img, scan, t, columns[k]!, kept)));
  return out;
}

/** Strokes leaving a rule's cell upward and downward (a junction, a corner). */
function strokes(img: Rgb, scan: TableScan, r: Rule, cell: number): { up: boolean; down: boolean } {
  const { pitch, origin } = scan.grid;
  const cx = origin + (cell + 0.5) * pitch;
  const inked = (y: number) => {
    if (y < 0 || y >= img.height) return false;
    for (let x = Math.round(cx - pitch / 4); x <= Math.round(cx + pitch / 4); x++) if (x >= 0 && x < img.width && scan.ink(x, y)) return true;
    return false;
  };
  return { up: inked(r.y0 - 2), down: inked(r.y1 + 2) };
}

const BOX = { left: ['─', '┌', '└', '├'], mid: ['─', '┬', '┴', '┼'], right: ['─', '┐', '┘', '┤'] } as const;

/** One ruled line, a character per grid cell: `+`, `|` or a box junction where a stroke crosses, dashes (or `=`) between. */
export function ruleLine(img: Rgb, scan: TableScan, r: Rule): LaidLine {
  const { pitch, origin } = scan.grid;
  const first = cellAt(scan.grid, r.x0 + 1);
  const last = Math.max(first + 1, cellAt(scan.grid, r.x1 - 1));
  const chars: string[] = [];
  for (let k = first; k <= last; k++) {
    const { up, down } = strokes(img, scan, r, k);
    const kind = (down ? 1 : 0) + (up ? 2 : 0);
    const end = k === first ? 'left' : k === last ? 'right' : 'mid';
    if (r.solid) chars.push(BOX[end][kind]!);
    else if (!kind && end === 'mid') chars.push(r.double ? '=' : '-');
    else {
      // A bar meets the rule (`|----+----|`): no arm of its own along the rule, unlike `+`.
      const c = cellInk(img, scan.ink, origin + k * pitch, origin + (k + 1) * pitch, r.y0, r.y1 + 1);
      chars.push(kind === 3 && c.right - c.left + 1 < 0.4 * pitch ? '|' : '+');
    }
  }
  return { text: chars.join(''), box: [origin + first * pitch, r.y0 - 2, origin + (last + 1) * pitch, r.y1 + 2], score: 1, pitch };
}

/** Share of rows y0..y1 inked in column x (±1). */
function columnShare(ink: InkTest, x: number, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) if (ink(x, y) || ink(x - 1, y) || ink(x + 1, y)) n++;
  return n / Math.max(1, y1 - y0);
}

/** The cells of a table's bars: its rules' ends and the cells where a stroke crosses a rule. */
function barColumns(img: Rgb, scan: TableScan, t: Table): number[] {
  const first = cellAt(scan.grid, t.x0 + 1), last = cellAt(scan.grid, t.x1 - 1);
  const columns: number[] = [first, last];
  for (let k = first + 1; k < last; k++) {
    const crossed = t.rules.some((r) => {
      const s = strokes(img, scan, r, k);
      return s.up || s.down;
    });
    if (crossed) columns.push(k);
  }
  return columns;
}

/** The bars between cells in each text row of a table where the recogniser did not read them, and lone dashes. */
function bars(img: Rgb, scan: TableScan, t: Table, columns: readonly number[], lines: readonly LaidLine[]): LaidLine[] {
  const { pitch, origin } = scan.grid;
  const bar = t.rules[0]!.solid ? '│' : '|';
  const out: LaidLine[] = [];
  const rows = lines.filter((l) => insideTable(t, l.box));
  const done: number[] = [];
  for (const l of rows) {
    const h = l.box[3] - l.box[1];
    const cy = centreY(l.box);
    // One pass per text row, however many cells the detector cut it into.
    if (done.some((y) => Math.abs(y - cy) < 0.5 * h)) continue;
    done.push(cy);
    const y0 = Math.round(l.box[1] + 0.25 * h), y1 = Math.round(l.box[3] - 0.25 * h);
    const row = rows.filter((o) => Math.abs(centreY(o.box) - cy) < 0.5 * h);
    for (const k of columns) {
      const cx = origin + (k + 0.5) * pitch;
      let best = 0;
      for (let x = Math.round(cx - pitch / 4); x <= Math.round(cx + pitch / 4); x++) best = Math.max(best, columnShare(scan.ink, x, y0, y1));
      // A bar inside a read cell was read (or dropped) with it.
      if (best < 0.9 || row.some((o) => o.box[0] < cx + pitch / 4 && o.box[2] > cx - pitch / 4)) continue;
      out.push({ text: bar, box: [origin + k * pitch, l.box[1], origin + (k + 1) * pitch, l.box[3]], score: 1, pitch });
    }
    // A table cell holding only "-" (no value) is too small for the detector.
    const rowTop = Math.min(...row.map((o) => o.box[1])), rowBottom = Math.max(...row.map((o) => o.box[3]));
    for (let k = columns[0]! + 1; k < columns[1]!; k++) {
      const x0 = origin + k * pitch;
      if (columns.includes(k) || row.some((o) => o.box[0] < x0 + pitch && o.box[2] > x0)) continue;
      if (isDash(cellInk(img, scan.ink, x0, x0 + pitch, rowTop, rowBottom), rowTop, rowBottom - rowTop, pitch)) out.push({ text: '-', box: [x0, rowTop, x0 + pitch, rowBottom], score: 1, pitch });
    }
  }
  return out;
}
