import { periodComponent } from './char-grid';
import { inkMask } from './glyph-shape';
import { WIDE } from './grid-cells';
import type { Rgb } from './raster';

/**
 * Does a line's own ink repeat with a pitch its neighbours gave it? A line that cannot find its
 * pitch alone is read on the grid of the page's monospace lines of its size; a proportional line
 * (a sans paragraph under a code block, its glyphs about as wide as the code's cells) can sit on
 * that grid by chance at the recogniser's coarse time steps, and is then spaced cell by cell
 * ("$ nodeexample.js-a runb"). Monospace ink, summed per column, repeats with the cell pitch
 * (each glyph centred in its cell, the cell edges blank); proportional ink does not.
 */
export interface LinePeriod {
  /** The period's share of the column profile's variation (see char-grid.ts periodComponent). */
  strength: number;
  /** Cells the line's ink spans. */
  cells: number;
}

/** The strength of the crop's column ink at `pitch` (crop pixels), over its inked extent. */
export function linePeriod(crop: Rgb, pitch: number): LinePeriod {
  const { ink, width, height } = inkMask(crop);
  const profile = new Float64Array(width);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) profile[x]! += ink[y * width + x]!;
  let from = 0, to = width;
  while (from < to && profile[from] === 0) from++;
  while (to > from && profile[to - 1] === 0) to--;
  return { strength: to > from ? periodComponent(profile, pitch, from, to).strength : 0, cells: (to - from) / pitch };
}

/**
 * Measured on fresh gh-md / md-raw-dark / terminal renders, lines of 10 cells or more at the
 * pitch they were given: monospace 0.125–0.42 (an md-raw line, "Most common usage:", the lowest),
 * GitHub's sans paragraphs under a code block 0.003–0.13.
 */
const PROPORTIONAL_STRENGTH = 0.1;
const MIN_CELLS = 10;

/**
 * A line of Latin text whose ink has no period at `pitch` over 10 cells or more: proportional
 * type, to be spaced as such, not on a grid its neighbours gave it. Chinese takes two cells a
 * character, so its one-cell period is weak on any terminal: never called proportional here.
 */
export function proportionalOnPitch(crop: Rgb, pitch: number, chars: ReadonlyArray<{ char: string }>): boolean {
  if (chars.some((c) => WIDE.test(c.char))) return false;
  const { strength, cells } = linePeriod(crop, pitch);
  return cells >= MIN_CELLS && strength < PROPORTIONAL_STRENGTH;
}
