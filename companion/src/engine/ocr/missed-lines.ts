import { inkPixels } from './char-grid';
import { median } from './median';
import type { Rect, Rgb } from './raster';
import { growComponent } from './ink-components';

/**
 * Short lines the detector drops: a lone `}` or `};` closing a block, between lines it found.
 * Ink outside every detected box, of a text line's height and a few characters' width, standing
 * in the page's line rhythm (beside a box in its row, a gutter's line number, or a line pitch
 * above or below one), is given its own box to be read like the others. Whatever the recogniser
 * then reads doubtfully is dropped with the other doubtful lines.
 */
export const MISSED_LINE = {
  /** Ink height against the page's median box height. */
  minHeight: 0.4,
  maxHeight: 1.15,
  /** Widest candidate, in box heights (a short line, not a missed paragraph). */
  maxWidth: 3,
  /** Narrowest, in box heights: a thin vertical stroke is a table bar (table-rules.ts reads those). */
  minWidth: 0.2,
  /** A detected box shorter than this (box heights) is boxed again from its ink. */
  undersized: 0.7,
  /** Ink pieces closer than this (box heights) are one candidate. */
  joinGap: 0.5,
  /** A candidate this close (box heights) to a box in its row belongs to that line: left alone. */
  nearBox: 1,
} as const;

interface Piece {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const centreY = (r: { y0: number; y1: number }) => (r.y0 + r.y1) / 2;

/**
 * `rects` with boxes for the short lines the detector missed (see MISSED_LINE). A box far shorter
 * than the page's lines (the detector boxed the middle of a `}`: read as `f`) is boxed again from
 * its ink the same way.
 */
export function withMissedLines(img: Rgb, all: readonly Rect[]): Rect[] {
  if (all.length < 3) return [...all];
  const h = median(all.map((r) => r[3] - r[1]));
  if (h < 6) return [...all];
  const undersized = (r: Rect) => r[3] - r[1] < MISSED_LINE.undersized * h && r[2] - r[0] < MISSED_LINE.maxWidth * h;
  const rects = all.filter((r) => !undersized(r));
  const { width, height } = img;
  // Ink outside the boxes (and their one-pixel margin).
  const free = inkPixels(img).slice();
  for (const r of rects) {
    for (let y = Math.max(0, Math.floor(r[1]) - 1); y < Math.min(height, Math.ceil(r[3]) + 1); y++) {
      free.fill(0, y * width + Math.max(0, Math.floor(r[0]) - 1), y * width + Math.min(width, Math.ceil(r[2]) + 1));
    }
  }
  const pieces = inkPieces(width, height, free, Math.ceil(MISSED_LINE.maxHeight * h) + 2);
  const joined = joinPieces(pieces.filter((p) => p.y1 - p.y0 + 1 <= MISSED_LINE.maxHeight * h), MISSED_LINE.joinGap * h);
  const rows = rects.map((r) => ({ x0: r[0], y0: r[1], x1: r[2], y1: r[3] }));
  const centres = [...new Set(rows.map(centreY))].sort((a, b) => a - b);
  const pitch = median(centres.slice(1).map((c, i) => c - centres[i]!).filter((d) => d > 0.5 * h));
  const left = Math.min(...rows.map((r) => r.x0));
  const sameRow = (p: Piece, r: Piece) => Math.abs(centreY(p) - centreY(r)) < 0.35 * h;
  const found = joined
    .filter((p) => {
      const ph = p.y1 - p.y0 + 1;
      const pw = p.x1 - p.x0 + 1;
      if (ph < MISSED_LINE.minHeight * h || ph > MISSED_LINE.maxHeight * h || pw > MISSED_LINE.maxWidth * h || pw < MISSED_LINE.minWidth * h) return false;
      if (p.x0 < left - h) return false;
      const mates = rows.filter((r) => sameRow(p, r));
      if (mates.some((r) => p.x0 - r.x1 < MISSED_LINE.nearBox * h && r.x0 - p.x1 < MISSED_LINE.nearBox * h)) return false;
      const inRhythm = pitch > 0 && rows.some((r) => Math.abs(Math.abs(centreY(r) - centreY(p)) - pitch) < 0.2 * pitch);
      return mates.length > 0 || inRhythm;
    })
    .map((p): Rect => {
      // The detector's boxes hold a margin round the ink: as tall as the page's boxes, a little wider.
      const cy = centreY(p);
      const padX = 0.25 * h;
      return [Math.max(0, Math.floor(p.x0 - padX)), Math.max(0, Math.floor(cy - h / 2)), Math.min(width, Math.ceil(p.x1 + 1 + padX)), Math.min(height, Math.ceil(cy + h / 2))];
    });
  const overlaps = (a: Rect, b: Rect) => a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
  // Kept in the detector's order, the new boxes after.
  return [...all.filter((r) => !undersized(r) || !found.some((f) => overlaps(f, r))), ...found];
}

/** Connected ink (8-neighbours) of `mask` (1 = ink); pieces taller than `tallest` are dropped (rules, panels, pictures). */
function inkPieces(width: number, height: number, mask: Uint8Array, tallest: number): Piece[] {
  const out: Piece[] = [];
  for (let i = 0; i < width * height; i++) {
    if (!mask[i]) continue;
    // A pixel's mask goes to 0 once its piece has it.
    mask[i] = 0;
    const x = i % width;
    const p = { x0: x, y0: (i - x) / width, x1: x, y1: (i - x) / width };
    growComponent(width, [0, 0, width, height], i, (k) => mask[k] === 1 && ((mask[k] = 0), true), (jx, jy) => {
      if (jx < p.x0) p.x0 = jx;
      if (jx > p.x1) p.x1 = jx;
      if (jy < p.y0) p.y0 = jy;
      if (jy > p.y1) p.y1 = jy;
    });
    if (p.y1 - p.y0 < tallest) out.push(p);
  }
  return out;
}

/** Pieces of one row (overlapping rows) and close together (`gap` px) joined, as glyphs make a word. */
function joinPieces(pieces: readonly Piece[], gap: number): Piece[] {
  const sorted = [...pieces].sort((a, b) => a.x0 - b.x0);
  const out: Piece[] = [];
  for (const p of sorted) {
    const mate = out.find((q) => p.x0 - q.x1 <= gap && q.x0 - p.x1 <= gap && Math.min(q.y1, p.y1) - Math.max(q.y0, p.y0) >= -1);
    if (mate) {
      mate.x0 = Math.min(mate.x0, p.x0);
      mate.x1 = Math.max(mate.x1, p.x1);
      mate.y0 = Math.min(mate.y0, p.y0);
      mate.y1 = Math.max(mate.y1, p.y1);
    } else out.push({ ...p });
  }
  return out;
}
