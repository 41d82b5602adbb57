import type { LaidLine } from './layout';
import { columnProfile, periodComponent, type CharGrid, type InkTest } from './char-grid';
import type { Rgb } from './raster';
import { inkBand, tickInCell, TICK_CELL_READINGS } from './grid-ticks';
import { restoreBannerStars } from './banner-stars';

/**
 * A monospace line checked cell by cell against its pixels. Read on the grid, the line's text is
 * one character per cell (spaces are empty cells), so each character's cell is known once the
 * text is lined up with the inked cells. Inked cells the recogniser left blank are then looked at:
 * a lone thin stroke across the middle is a `-` (the recogniser drops dashes at the ends of a crop
 * and next to each other: `-rw-r--r--` read as `-rw-r--r-`, `-s, --help` as `S, --help`), and in
 * a table a bar column read as `1` or `l` is the bar.
 */
export interface CellOptions {
  /** The table's grid, when the line is a table row; otherwise the grid is the line's own. */
  grid?: CharGrid;
  /** Cells (on `grid`) where the table's bars stand, and the bar character. */
  barCells?: ReadonlySet<number>;
  bar?: string;
}

const BAR_LOOKALIKES = /^[1lI!丨|│]$/;
export const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/;

export interface CellInk {
  /** Inked pixels inside the cell (its edge columns left out: neighbours' ink can touch them). */
  count: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export function cellInk(img: Rgb, ink: InkTest, x0: number, x1: number, y0: number, y1: number): CellInk {
  const c: CellInk = { count: 0, top: Infinity, bottom: -1, left: Infinity, right: -1 };
  for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y++) {
    for (let x = Math.max(0, Math.ceil(x0 + 1)); x < Math.min(img.width, Math.floor(x1 - 1)); x++) {
      if (!ink(x, y)) continue;
      c.count++;
      c.top = Math.min(c.top, y);
      c.bottom = Math.max(c.bottom, y);
      c.left = Math.min(c.left, x);
      c.right = Math.max(c.right, x);
    }
  }
  return c;
}

/** A hyphen: ink in one thin band across the middle of the line, over a third of the cell at least. */
export function isDash(c: CellInk, y0: number, h: number, pitch: number): boolean {
  if (c.count === 0) return false;
  const thick = c.bottom - c.top + 1;
  const mid = (c.top + c.bottom) / 2 - y0;
  return thick <= Math.max(2, 0.12 * h) && mid > 0.35 * h && mid < 0.8 * h && c.right - c.left + 1 >= 0.3 * pitch && c.right - c.left + 1 <= 0.85 * pitch;
}

/**
 * An underscore: ink in one thin band at the foot of the line (below the baseline), across most
 * of the cell. In code the recogniser reads `__` as one `_` beside a blank or a `-` (`ts9 _default`,
 * `-_filename`); the cell's ink tells. `c` is measured down to a little below the box.
 */
export function isUnderscore(c: CellInk, y0: number, h: number, pitch: number): boolean {
  if (c.count === 0) return false;
  const thick = c.bottom - c.top + 1;
  return thick <= Math.max(2, 0.12 * h) && c.top - y0 > 0.78 * h && c.right - c.left + 1 >= 0.6 * (pitch - 2);
}

/** Two thin strokes on the same pixel rows (within a pixel). */
function sameRows(a: CellInk, b: CellInk): boolean {
  return a.count > 0 && b.count > 0 && Math.abs(a.top - b.top) <= 1 && Math.abs(a.bottom - b.bottom) <= 1;
}

/** A bar: ink down most of the line in a narrow column. */
function isBar(c: CellInk, h: number, pitch: number): boolean {
  return c.count > 0 && c.bottom - c.top + 1 >= 0.6 * h && c.right - c.left + 1 <= 0.5 * pitch;
}

/** The line's own grid: its pitch, the cells' edges from the phase of its ink. */
function ownGrid(img: Rgb, ink: InkTest, line: LaidLine, pitch: number): CharGrid {
  const profile = columnProfile(img, ink, [line.box]);
  const { phase, strength } = periodComponent(profile, pitch, Math.max(0, line.box[0]), Math.min(img.width, line.box[2]));
  const centre = (-phase / (2 * Math.PI)) * pitch;
  return { pitch, origin: (((centre - pitch / 2) % pitch) + pitch) % pitch, strength };
}

/**
 * As many inked cells inside the box as the text has glyphs: each glyph goes to the next inked
 * cell, the empty cells between are the spaces (a space the recogniser put between two dashes
 * goes, one it missed between columns comes back). Undefined when the counts differ.
 */
function placeOnInk(chars: readonly string[], line: LaidLine, grid: CharGrid, has: (k: number) => boolean, opts: CellOptions): { text: string[]; at: number } | undefined {
  const glyphs = chars.filter((c) => c !== ' ');
  const cells: number[] = [];
  // Cells whose centre lies inside the box: a neighbouring box's glyph is not this line's.
  const from = Math.ceil((line.box[0] - grid.origin) / grid.pitch - 0.5), to = Math.floor((line.box[2] - grid.origin) / grid.pitch - 0.5);
  for (let k = from; k <= to; k++) if (has(k)) cells.push(k);
  if (cells.length !== glyphs.length || glyphs.length < 2) return undefined;
  let text = '';
  cells.forEach((k, i) => {
    if (i > 0) text += ' '.repeat(k - cells[i - 1]! - 1);
    const g = glyphs[i]!;
    text += opts.barCells?.has(k) && opts.bar && BAR_LOOKALIKES.test(g) ? opts.bar : g;
  });
  return { text: [...text], at: cells[0]! };
}

/** The text lined up with the inked cells: the shift where most glyphs land on ink (undefined when two shifts fit about as well: a space too many or too few). */
function alignToInk(chars: readonly string[], firstCell: number, has: (k: number) => boolean): { text: string[]; at: number } | undefined {
  const shifts: Array<{ at: number; score: number }> = [];
  for (let at = firstCell - 1; at <= firstCell + 3; at++) {
    let score = 0;
    chars.forEach((ch, i) => {
      if (ch !== ' ') score += has(at + i) ? 1 : -1;
    });
    shifts.push({ at, score });
  }
  shifts.sort((a, b) => b.score - a.score);
  const best = shifts[0]!;
  const glyphs = chars.filter((c) => c !== ' ').length;
  return best.score < 0.8 * glyphs || shifts[1]!.score > best.score - 2 ? undefined : { text: chars.slice(), at: best.at };
}

/**
 * A line with Chinese in it (two cells a character, its spacing read as proportional type) is
 * only checked at its start, where help text puts its options: the run of dashes inked there is
 * the run the text starts with ("V, --invert" → "-V, --invert", "- -ignore-case" → "--ignore-case").
 */
function leadingDashes(img: Rgb, ink: InkTest, line: LaidLine, grid: CharGrid): LaidLine {
  const { pitch, origin } = grid;
  const [bx0, by0, , by1] = line.box;
  const inkOf = (k: number) => cellInk(img, ink, origin + k * pitch, origin + (k + 1) * pitch, by0, by1);
  let k0 = Math.floor((bx0 - origin) / pitch) - 1;
  const stop = k0 + 4;
  while (k0 < stop && inkOf(k0).count < 2) k0++;
  if (k0 === stop) return line;
  let n = 0;
  while (n < 3 && isDash(inkOf(k0 + n), by0, by1 - by0, pitch)) n++;
  const prefix = /^[- ]*/.exec(line.text)![0];
  const rest = line.text.slice(prefix.length);
  // "一" is a dash-like stroke two cells wide: a line starting with Chinese has no options to fix.
  if (n === 0 || !rest || /^[-\s]/.test(rest) || WIDE.test(rest[0]!)) return line;
  const text = '-'.repeat(n) + (inkOf(k0 + n).count >= 2 ? '' : ' ') + rest;
  if (text === line.text) return line;
  return { ...line, text, box: [Math.min(bx0, origin + k0 * pitch), by0, line.box[2], by1] };
}

/** A comment banner's rule (`//-----`, `#-----`, `/*-----*` + `/`) as read: a few marks, then dashes, spaced or long, to the end. */
export const DASH_RULE = /^(\S{0,3}?)([-—–_ ]{8,})(\S{0,2})$/;

/**
 * A banner's dash run written from its cells: the recogniser reads long runs of dashes as spaced
 * dashes or em dashes (each a word), but every dash is a cell holding one thin middle stroke.
 * `last` is the line's last inked cell. A slash of the `//` before it read as a dash is a slash.
 */
function dashRule(text: string, last: number, isDashCell: (k: number) => boolean, hasInk: (k: number) => boolean): string | undefined {
  const m = DASH_RULE.exec(text);
  if (!m || m[2]!.replace(/ /g, '').length < 8) return undefined;
  const end = last - m[3]!.length;
  let n = 0;
  while (n < 400 && isDashCell(end - n)) n++;
  if (n < 8) return undefined;
  // The inked cells before the run are the banner's opening marks.
  let marks = 0;
  while (marks < 4 && hasInk(end - n - marks)) marks++;
  let prefix = m[1]!;
  // Both slashes of `//` read as long dashes, the run then taken for all of it.
  if (!prefix && marks === 2 && /^[—–]/.test(m[2]!)) prefix = '//';
  if (/^[—–-]\/$|^\/[—–-]$/.test(prefix)) prefix = '//';
  // A block comment's banner: what `*` + `/` closes, `/*` opened (its star merged into the first dash).
  if (prefix === '/' && marks === 2 && m[3] === '*/') prefix = '/*';
  if (prefix.length !== marks) return undefined;
  return prefix + '-'.repeat(n) + m[3]!;
}

export function checkCells(img: Rgb, ink: InkTest, line: LaidLine, opts: CellOptions = {}): LaidLine {
  const pitch = opts.grid?.pitch ?? line.pitch;
  const chars = [...line.text];
  if (pitch === undefined || chars.length < 2) return line;
  const grid = opts.grid ?? ownGrid(img, ink, line, pitch);
  if (chars.some((c) => WIDE.test(c))) return leadingDashes(img, ink, line, grid);
  const [bx0, by0, bx2, by1] = line.box;
  const h = by1 - by0;
  const cellX = (k: number) => grid.origin + k * pitch;
  const inkOf = (k: number) => cellInk(img, ink, cellX(k), cellX(k + 1), by0, by1);
  const firstCell = Math.floor((bx0 - grid.origin) / pitch);
  const lastCell = Math.floor((bx2 - grid.origin) / pitch);
  const inked = new Map<number, CellInk>();
  for (let k = firstCell - 2; k <= lastCell + 2; k++) inked.set(k, inkOf(k));
  const has = (k: number) => (inked.get(k)?.count ?? 0) >= 2;
  // An underscore sits at the box's foot or just under it.
  const footInk = (k: number) => cellInk(img, ink, cellX(k), cellX(k + 1), by0, by1 + Math.max(2, Math.round(0.12 * h)));
  if (!opts.barCells) {
    let last = lastCell + 1;
    while (last > firstCell && !has(last)) last--;
    const rule = dashRule(line.text, last, (k) => isDash(inked.get(k) ?? inkOf(k), by0, h, pitch), (k) => (inked.get(k) ?? inkOf(k)).count >= 2);
    if (rule !== undefined) return rule === line.text ? line : { ...line, text: rule };
  }
  const placed = placeOnInk(chars, line, grid, has, opts) ?? alignToInk(chars, firstCell, has);
  if (!placed) return line;
  const { at, text: out } = placed;
  // Quote marks left blank or misread (grid-ticks.ts) are told from the line's ink band.
  const band = inkBand(ink, Math.max(0, Math.round(bx0)), Math.min(img.width, Math.round(bx2)), Math.max(0, Math.round(by0)), Math.min(img.height, Math.round(by1)));
  for (let i = 0; i < out.length; i++) {
    const k = at + i;
    const c = inked.get(k) ?? inkOf(k);
    if (opts.barCells?.has(k) && opts.bar && (BAR_LOOKALIKES.test(out[i]!) || (out[i] === ' ' && isBar(c, h, pitch)))) out[i] = opts.bar;
    else if (out[i] === ' ' && isDash(c, by0, h, pitch)) out[i] = '-';
    else if ((out[i] === ' ' || out[i] === '-') && (out[i - 1] === '_' || out[i + 1] === '_') && isUnderscore(footInk(k), by0, h, pitch)) out[i] = '_';
    else if (band && TICK_CELL_READINGS.test(out[i]!) && c.count >= 2) {
      const read = out[i]!;
      out[i] = tickInCell(ink, cellX(k), cellX(k + 1), band, pitch, read) ?? read;
      // The lost mark had taken the blank after it: the rest of the line sits a cell further right.
      if (read === ' ' && out[i] !== ' ' && i + 1 < out.length && out[i + 1] !== ' ' && !has(k + 1) && has(k + 2)) out.splice(i + 1, 0, ' ');
    }
  }
  if (!opts.barCells) restoreBannerStars(out, (i) => has(at + i));
  // Dashes the crop lost at either end (a bar ends a table cell: no dash runs past it), and an
  // underscore lost beside one: a thin stroke on its rows (`__frees` read `_frees`).
  const underscoreBeside = (k: number, beside: number) => out[beside - at] === '_' && !opts.barCells?.has(k) && sameRows(footInk(k), footInk(beside)) && footInk(k).right - footInk(k).left + 1 >= 0.5 * pitch;
  const leadUnderscore = underscoreBeside(at - 1, at);
  const trailUnderscore = underscoreBeside(at + out.length, at + out.length - 1);
  let before = leadUnderscore ? 1 : 0;
  while (!leadUnderscore && before < 2 && !opts.barCells?.has(at - before - 1) && isDash(inkOf(at - before - 1), by0, h, pitch)) before++;
  let after = trailUnderscore ? 1 : 0;
  while (!trailUnderscore && after < 2 && !opts.barCells?.has(at + out.length + after) && isDash(inkOf(at + out.length + after), by0, h, pitch)) after++;
  // A backtick or apostrophe just outside the crop (inline code closing at the line's end: "`ci.DRONE`").
  const tickAt = (k: number) => (band && !opts.barCells?.has(k) && inkOf(k).count >= 2 ? tickInCell(ink, cellX(k), cellX(k + 1), band, pitch, ' ') : undefined);
  const lead = before === 0 ? tickAt(at - 1) : undefined;
  const trail = after === 0 ? tickAt(at + out.length) : undefined;
  if (lead) before = 1;
  if (trail) after = 1;
  const text = (lead ?? (leadUnderscore ? '_' : '-'.repeat(before))) + out.join('') + (trail ?? (trailUnderscore ? '_' : '-'.repeat(after)));
  if (text === line.text) return line;
  return { ...line, text, box: [Math.min(bx0, cellX(at - before)), by0, Math.max(bx2, cellX(at + out.length + after)), by1] };
}
