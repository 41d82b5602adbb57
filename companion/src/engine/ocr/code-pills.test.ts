import { describe, expect, it } from 'vitest';
import { findPills, insidePill, spaceAtPillEdge } from './code-pills';
import type { Rgb } from './raster';
import { tunePageReader } from './tune-pages';

type Colour = [number, number, number];

/** A line crop: page colour, a pill from x0 to x1 (rows 1..h-2), vertical ink strokes at the given columns. */
function crop(width: number, height: number, page: Colour, pill: Colour | undefined, [x0, x1]: [number, number], ink: number[], inkColour: Colour): Rgb {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inPill = pill && x >= x0 && x < x1 && y >= 1 && y < height - 1;
      const inked = ink.includes(x) && y >= 5 && y < height - 5;
      data.set(inked ? inkColour : inPill ? pill : page, (y * width + x) * 3);
    }
  }
  return { data, width, height };
}

const GLYPHS = [4, 5, 8, 9, 24, 25, 30, 31, 36, 37, 52, 53, 58, 59];

describe('findPills', () => {
  it('finds a pill a shade lighter than a dark page, or darker than a light one', () => {
    expect(findPills(crop(80, 20, [13, 17, 23], [22, 27, 34], [20, 50], GLYPHS, [230, 237, 243]))).toEqual([{ x0: 20, x1: 50 }]);
    expect(findPills(crop(80, 20, [255, 255, 255], [246, 248, 250], [20, 50], GLYPHS, [31, 35, 40]))).toEqual([{ x0: 20, x1: 50 }]);
  });

  it('tells the page from the pill when pills cover more of the line than the page does', () => {
    expect(findPills(crop(80, 20, [13, 17, 23], [22, 27, 34], [6, 74], GLYPHS, [230, 237, 243]))).toEqual([{ x0: 6, x1: 74 }]);
  });

  it('finds none on a plain line, or where the second colour is no shade of the page (a table rule, a link)', () => {
    expect(findPills(crop(80, 20, [255, 255, 255], undefined, [0, 0], GLYPHS, [31, 35, 40]))).toEqual([]);
    expect(findPills(crop(80, 20, [255, 255, 255], [208, 215, 222], [20, 50], GLYPHS, [31, 35, 40]))).toEqual([]);
  });
});

describe('spaceAtPillEdge', () => {
  const columns = new Uint8Array(80);
  for (const x of [10, 11, 22, 23, 40, 41, 51, 60, 61]) columns[x] = 1;
  const pills = [{ x0: 20, x1: 50 }];

  it('is a space only where the blank outside the pill is word-sized', () => {
    // "word `code`": five blank columns before the pill's left edge.
    expect(spaceAtPillEdge(pills, columns, 12, 22, 12)).toBe(true);
    // "`code`:" — the colon's ink right at the pill's right edge, though past the spikes' span.
    expect(spaceAtPillEdge(pills, columns, 42, 50.5, 12)).toBe(false);
  });

  it('has no say where no pill edge lies between the glyphs', () => {
    expect(spaceAtPillEdge(pills, columns, 24, 40, 12)).toBeUndefined();
    expect(spaceAtPillEdge([], columns, 12, 22, 12)).toBeUndefined();
  });

  it('tells a blank inside a pill (monospace code) from one across or outside it', () => {
    expect(insidePill(pills, 24, 40)).toBe(true);
    expect(insidePill(pills, 12, 22)).toBe(false);
    expect(insidePill(pills, 52, 60)).toBe(false);
  });
});

describe('inline-code pills on a GitHub page', () => {
  const read = tunePageReader();

  it('reads no space between a pill and the colon after it (tune page c_en-074-gh-md-dark)', async () => {
    const out = await read('c_en-074-gh-md-dark');
    const lines = out.text.split('\n').map((l) => l.trim());
    expect(lines.slice(0, 4)).toEqual(['• npm run lint: runs the linter (standard)', '• npm run unit: runs the unit tests', '• npm run unit-esm: runs tests for fs-extra/esm exports', '• npm test: runs the linter and all tests']);
  }, 60_000);
});
