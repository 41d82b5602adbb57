import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { settleOneOrEll, type LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/** Glyph pictures in a 10 px cell, 14 rows tall (rows 16–29): [x0, x1, y0, y1] ink rectangles. */
const STEM: Array<[number, number, number, number]> = [[5, 6, 16, 29]];
const SHAPES: Record<string, Array<[number, number, number, number]>> = {
  // DejaVu Sans Mono: the digit has a flag and a foot on both sides, the letter a head and a foot curling right.
  one: [...STEM, [3, 4, 16, 17], [2, 9, 28, 29]],
  ell: [...STEM, [3, 6, 16, 17], [5, 9, 28, 29]],
  // A font drawing both as a plain bar.
  bar: STEM,
  letter: [[2, 8, 20, 29]],
  // A bar from above the capitals to below the baseline; a bracket as deep, with its arms.
  pipe: [[5, 5, 14, 33]],
  bracket: [[5, 6, 14, 33], [2, 6, 14, 15], [2, 6, 32, 33]],
  digit: [[2, 8, 16, 29]],
  // Liberation Sans: the letter a plain stem, the digit a stem with a flag to the left.
  sansOne: [...STEM, [2, 4, 16, 18]],
};

/** One line crop: `glyphs` as [char, shape, prob], 10 px a time step, white ground. */
function line(glyphs: Array<[string, keyof typeof SHAPES, number]>): { line: LineGlyphs; crop: Rgb } {
  const width = 10 * glyphs.length + 10;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  glyphs.forEach(([, shape], s) => {
    for (const [x0, x1, y0, y1] of SHAPES[shape]!) for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + s * 10 + x) * 3);
  });
  const chars = glyphs.map(([char, , prob], s): CtcChar => ({ char, start: s, end: s, prob, spaceBefore: 0 }));
  return { line: { chars, pxPerStep: 10 }, crop: { data, width, height } };
}

const settle = (...ls: Array<ReturnType<typeof line>>) => {
  settleOneOrEll(
    ls.map((l) => l.line),
    ls.map((l) => l.crop),
  );
  return ls.map((l) => l.line.chars.map((c) => c.char).join(''));
};

describe('bars read as strokes', () => {
  it('reads `l`, `I` or `1` reaching well below the baseline as `|` ("HOME II undefined" → "||")', () => {
    expect(settle(line([['a', 'letter', 0.99], ['I', 'pipe', 0.8], ['l', 'pipe', 0.8], ['e', 'letter', 0.99]]))).toEqual(['a||e']);
  });

  it('keeps strokes standing on the baseline, and a descending stroke with arms (a bracket)', () => {
    expect(settle(line([['a', 'letter', 0.99], ['l', 'ell', 0.8], ['e', 'letter', 0.99], ['l', 'bracket', 0.8], ['n', 'letter', 0.99]]))).toEqual(['aleln']);
  });
});

describe('1 or l by the page’s own glyphs', () => {
  const gutter = () => line([['4', 'digit', 0.99], ['1', 'one', 0.99]]);
  const word = () => line([['a', 'letter', 0.99], ['l', 'ell', 0.99], ['e', 'letter', 0.99]]);

  it('reads a digit one taken for `l` after letters as the `1` it is drawn as ("encl" → "enc1")', () => {
    const enc = line([['e', 'letter', 0.99], ['n', 'letter', 0.99], ['c', 'letter', 0.99], ['l', 'one', 0.8]]);
    expect(settle(gutter(), word(), enc)[2]).toBe('enc1');
  });

  it('takes no sure `l` ending a word for a model of the letter ("cc1 plugin" read "ccl plugin")', () => {
    const cc = line([['c', 'letter', 0.99], ['c', 'letter', 0.99], ['l', 'one', 0.95], ['p', 'letter', 0.99]]);
    cc.line.chars[3]!.spaceBefore = 0.9;
    expect(settle(gutter(), word(), cc)[2]).toBe('cc1p');
  });

  it('reads an `l` drawn as the page’s letters, taken for `1`, as `l`, and keeps the right readings', () => {
    const lone = line([['a', 'letter', 0.99], ['1', 'ell', 0.7]]);
    const right = line([['a', 'letter', 0.99], ['l', 'ell', 0.8], ['2', 'digit', 0.99], ['1', 'one', 0.8]]);
    expect(settle(gutter(), word(), lone, right).slice(2)).toEqual(['al', 'al21']);
  });

  it('changes nothing where the font draws both alike, or the page has no sure `l`', () => {
    const alike = [line([['4', 'digit', 0.99], ['1', 'bar', 0.99]]), line([['a', 'letter', 0.99], ['l', 'bar', 0.99], ['e', 'letter', 0.99]]), line([['c', 'letter', 0.99], ['l', 'bar', 0.8]])];
    expect(settle(...alike)[2]).toBe('cl');
    expect(settle(gutter(), line([['c', 'letter', 0.99], ['l', 'one', 0.8]]))[1]).toBe('cl');
  });

  it('reads an `l` with a digit’s flag as `1` on a page with no sure `1`, by the page’s sure `l`s ("us-eastl" → "us-east1")', () => {
    const words = () => line([['a', 'letter', 0.99], ['l', 'bar', 0.99], ['e', 'letter', 0.99], ['l', 'bar', 0.99], ['a', 'letter', 0.99], ['l', 'bar', 0.99], ['e', 'letter', 0.99]]);
    const east = line([['s', 'letter', 0.99], ['t', 'letter', 0.99], ['l', 'bar', 0.8], ['l', 'sansOne', 0.95]]);
    expect(settle(words(), east)[1]).toBe('stl1');
    // Too few sure letters to tell how the font draws them: nothing changes.
    const few = line([['a', 'letter', 0.99], ['l', 'bar', 0.99], ['e', 'letter', 0.99]]);
    expect(settle(few, line([['s', 'letter', 0.99], ['l', 'sansOne', 0.9]]))[1]).toBe('sl');
  });
});
