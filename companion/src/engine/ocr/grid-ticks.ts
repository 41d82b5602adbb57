import type { InkTest } from './char-grid';
import { strokeLean } from './tick-shape';

/**
 * Quote marks on a character grid that the recogniser left out or misread: a backtick closing
 * inline code (`stream.read()` read `stream.read()  then`), a fence's three backticks (read `A I`,
 * `...`), an apostrophe opening a string (`require(flatted')`). Each is a cell whose only ink is
 * one small stroke in the top of the line: a backtick's falls to the right, an apostrophe's
 * stands upright. The cell's pixels are measured directly: what was read there does not matter
 * when it is a blank or a mark of the same family.
 */
export const GRID_TICK = {
  /** The stroke's bottom at most this far down the line's ink band (a comma or a dash sits lower). */
  maxBottom: 0.5,
  /** Its top at most this far down (it hangs from the cap height). */
  maxTop: 0.3,
  /** Its width at most, in cells (an asterisk or caret is wider). */
  maxWidth: 0.55,
  /** Columns moved right per row down: a backtick's stroke at least, an apostrophe's at most (absolute). */
  backtickLean: 0.45,
  uprightLean: 0.2,
} as const;

/** What a cell may have been read as and still be one of these marks. */
export const TICK_CELL_READINGS = /^[\s`'"′‘’^.,:;IlA|]$/;

/** The rows [top, bottom] inked along a line's box (the rows a few glyphs reach, so descenders count too). */
export function inkBand(ink: InkTest, x0: number, x1: number, y0: number, y1: number): [number, number] | undefined {
  let top = -1;
  let bottom = -1;
  const need = Math.max(2, 0.01 * (x1 - x0));
  for (let y = y0; y < y1; y++) {
    let n = 0;
    for (let x = x0; x < x1 && n < need; x++) if (ink(x, y)) n++;
    if (n >= need) {
      if (top < 0) top = y;
      bottom = y;
    }
  }
  return top < 0 ? undefined : [top, bottom];
}

/** The mark a cell's ink is, if it is one small high stroke: '`' or "'". */
export function tickInCell(ink: InkTest, x0: number, x1: number, band: readonly [number, number], pitch: number, read: string): '`' | "'" | undefined {
  const [top, bottom] = band;
  const h = bottom - top + 1;
  const xs: number[] = [];
  const ys: number[] = [];
  // The cell's edge columns are left out: a neighbour's ink can touch them.
  for (let y = top; y <= bottom; y++) {
    for (let x = Math.ceil(x0 + 1); x < Math.floor(x1 - 1); x++) {
      if (ink(x, y)) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  if (xs.length < 3) return undefined;
  const minY = Math.min(...ys), maxY = Math.max(...ys), minX = Math.min(...xs), maxX = Math.max(...xs);
  if (minY - top > GRID_TICK.maxTop * h || maxY - top > GRID_TICK.maxBottom * h || maxX - minX + 1 > GRID_TICK.maxWidth * pitch) return undefined;
  // One stroke: every inked row is one run (two strokes side by side are a double quote).
  for (let y = minY; y <= maxY; y++) {
    const row = xs.filter((_, i) => ys[i] === y).sort((a, b) => a - b);
    if (row.some((x, i) => i > 0 && x - row[i - 1]! > 1)) return undefined;
  }
  if (maxY - minY + 1 < 2) return undefined;
  const lean = strokeLean(xs, ys);
  if (lean >= GRID_TICK.backtickLean) return '`';
  // An apostrophe only where a blank was read, standing in the cell's middle (one stroke of a
  // double quote cut by the cell's edge would look the same).
  const centred = minX - x0 >= 0.2 * pitch && x1 - 1 - maxX >= 0.2 * pitch;
  if (read === ' ' && centred && Math.abs(lean) <= GRID_TICK.uprightLean) return "'";
  return undefined;
}
