import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { restoreMergedMarks } from './merged-marks';
import { restoreParenBraces } from './paren-braces';
import type { Rgb } from './raster';

type Pixel = [x: number, y: number];
/** A 2 px stroke down rows 14–29, shifted right by `offsets[row]`, from column `x` (mirrored: shifted left from `x + 3`). */
const stroke = (x: number, offsets: readonly number[], mirrored = false): Pixel[] =>
  offsets.flatMap((o, k): Pixel[] => (mirrored ? [[x + 3 - o, 14 + k], [x + 2 - o, 14 + k]] : [[x + o, 14 + k], [x + o + 1, 14 + k]]));
const PAREN = [0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 0];
const BRACE = [0, 1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0];
const BAR = [0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0];
const semicolon: Pixel[] = [[55, 22], [56, 22], [55, 27], [56, 27], [55, 28], [56, 28]];

/** One line crop (white ground, black `ink`) read as `read`: one time step each, 10 px a step; merged marks restored first, as in the pipeline. */
function restore(read: Array<[string, number]>, ink: Pixel[], { marks = true } = {}): string {
  const width = 80;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x, y] of ink) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = read.map(([char, s]): CtcChar => ({ char, start: s, end: s, prob: 0.9, spaceBefore: 0 }));
  const line = { chars, pxPerStep: 10 };
  const crop: Rgb = { data, width, height };
  if (marks) restoreMergedMarks([line], [crop]);
  restoreParenBraces([line], [crop]);
  return line.chars.map((c) => c.char).join('');
}

describe('braces beside parens', () => {
  const close = stroke(32, PAREN);
  it('puts back a closing brace no glyph was read on, and one read as a letter (`);`, `D);` → `});`)', () => {
    expect(restore([[')', 3], [';', 5]], [...stroke(24, BRACE), ...close, ...semicolon])).toBe('});');
    expect(restore([['D', 2], [')', 3], [';', 5]], [...stroke(24, BRACE), ...close, ...semicolon])).toBe('});');
  });

  it('puts it against its paren, after a space read before the paren (`e )` → `e })`)', () => {
    expect(restore([['a', 0], [' ', 1], [')', 3], [';', 5]], [[2, 22], [3, 22], ...stroke(24, BRACE), ...close, ...semicolon])).toBe('a });');
  });

  it('reads a `)` whose outer side comes to a point the line’s other parens lack as `}`', () => {
    const width = 10;
    const paren = (x: number) => stroke(x, PAREN);
    expect(restore([[')', 1], ['a', 3], [')', 5], [')', 7]], [...stroke(12, BRACE), [32, 22], [33, 22], ...paren(52), ...paren(52 + 2 * width)], { marks: false })).toBe('}a))');
    expect(restore([[')', 1], ['a', 3], [')', 5], [')', 7]], [...paren(12), [32, 22], [33, 22], ...paren(52), ...paren(52 + 2 * width)], { marks: false })).toBe(')a))');
  });

  it('reads a brace read as two marks on its one blob as the brace (`$[(` → `${`)', () => {
    expect(restore([['a', 1], ['[', 2], ['(', 2.3], ['a', 5]], [[12, 22], [13, 22], ...stroke(24, BRACE, true), [52, 22], [53, 22]], { marks: false })).toBe('a{a');
  });

  it('reads a bracket whose outer side comes to a point as a brace, and leaves a straight one', () => {
    expect(restore([['a', 1], ['[', 3], ['a', 5]], [[12, 22], [13, 22], ...stroke(32, BRACE, true), [52, 22], [53, 22]], { marks: false })).toBe('a{a');
    expect(restore([['a', 1], ['[', 3], ['a', 5]], [[12, 22], [13, 22], ...stroke(32, BAR, true), [52, 22], [53, 22]], { marks: false })).toBe('a[a');
  });

  it('takes a brace beside a paren for no second paren (`);` over `})` is no `));`)', () => {
    expect(restore([[')', 3], [';', 5]], [...stroke(24, BRACE), ...close, ...semicolon])).not.toBe('));');
  });

  it('takes no paren again, no mirror image and no bracket for a brace', () => {
    // The paren again is a second paren (merged-marks.ts), no brace.
    expect(restore([[')', 3], [';', 5]], [...stroke(24, PAREN), ...close, ...semicolon])).toBe('));');
    expect(restore([[')', 3], [';', 5]], [...stroke(24, PAREN, true), ...close, ...semicolon])).toBe(');');
    expect(restore([[')', 3], [';', 5]], [...stroke(24, BAR), ...close, ...semicolon], { marks: false })).toBe(');');
  });

  it('reads an opening brace after `(` (`((` → `({`)', () => {
    expect(restore([['(', 2], ['(', 3]], [...stroke(22, PAREN, true), ...stroke(30, BRACE, true)])).toBe('({');
    expect(restore([['(', 2], ['(', 3]], [...stroke(22, PAREN, true), ...stroke(30, PAREN, true)])).toBe('((');
  });

  it('reads the one paren facing its way as a brace where it comes to a point and only the brace pairs the line (`(a}` → `{a}`)', () => {
    const a: Pixel[] = [[32, 22], [33, 22]];
    expect(restore([['(', 1], ['a', 3], ['}', 5]], [...stroke(12, BRACE, true), ...a, ...stroke(52, BRACE)], { marks: false })).toBe('{a}');
    expect(restore([['(', 1], ['a', 3], [')', 5]], [...stroke(12, BRACE, true), ...a, ...stroke(52, PAREN)], { marks: false })).toBe('(a)');
    expect(restore([['(', 1], ['a', 3], ['}', 5]], [...stroke(12, PAREN, true), ...a, ...stroke(52, BRACE)], { marks: false })).toBe('(a}');
  });
});
