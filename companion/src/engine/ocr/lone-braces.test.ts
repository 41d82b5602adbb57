import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { loneBraceInk, readLoneBraces } from './lone-braces';
import type { Rgb } from './raster';

type Pixel = [x: number, y: number];
/** A 2 px stroke down rows 14–29, shifted right by `offsets[row]`, from column `x` (mirrored: shifted left from `x + 3`). */
const stroke = (x: number, offsets: readonly number[], mirrored = false): Pixel[] =>
  offsets.flatMap((o, k): Pixel[] => (mirrored ? [[x + 3 - o, 14 + k], [x + 2 - o, 14 + k]] : [[x + o, 14 + k], [x + o + 1, 14 + k]]));
const PAREN = [0, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 0];
const BRACE = [0, 1, 1, 1, 1, 1, 1, 3, 3, 1, 1, 1, 1, 1, 1, 0];
const BAR = [0, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0];
const block = (x0: number, x1: number, y0: number, y1: number): Pixel[] => Array.from({ length: (x1 - x0 + 1) * (y1 - y0 + 1) }, (_, k) => [x0 + (k % (x1 - x0 + 1)), y0 + Math.floor(k / (x1 - x0 + 1))]);
const comma = (x: number) => block(x, x + 1, 26, 31);
const semicolon = (x: number) => [...block(x, x + 1, 17, 18), ...comma(x)];

/** One crop (white ground, black `ink`) read as `read` (10 px a time step) on a page of `lineHeight` px lines: its text after the rule, and whether it is kept. */
/** A 60×40 crop, white ground, black `ink`. */
function cropOf(ink: Pixel[]): Rgb {
  const data = new Uint8Array(60 * 40 * 3).fill(255);
  for (const [x, y] of ink) data.set([0, 0, 0], (y * 60 + x) * 3);
  return { data, width: 60, height: 40 };
}

function lone(read: Array<[string, number]>, ink: Pixel[], lineHeight = 20): [string, boolean] {
  const width = 60;
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x, y] of ink) data.set([0, 0, 0], (y * width + x) * 3);
  const chars = read.map(([char, s]): CtcChar => ({ char, start: s, end: s, prob: 0.4, spaceBefore: 0 }));
  const line = { chars, pxPerStep: 10 };
  const crop: Rgb = { data, width, height };
  const kept = readLoneBraces([line], [crop], lineHeight);
  return [line.chars.map((c) => c.char).join(''), kept.has(0)];
}

describe('lone-brace lines', () => {
  it('reads a closing brace read as a look-alike and keeps the line (`3,`, `b,` → `},`)', () => {
    expect(lone([['3', 1], [',', 2]], [...stroke(12, BRACE), ...comma(22)])).toEqual(['},', true]);
    expect(lone([['b', 1], [',', 2]], [...stroke(12, BRACE), ...comma(22)])).toEqual(['},', true]);
  });

  it('puts back a brace read as nothing, and marks it missed (`;` → `};`, `)` → `})`, `F` → `};`)', () => {
    expect(lone([[';', 2]], [...stroke(12, BRACE), ...semicolon(22)])).toEqual(['};', true]);
    expect(lone([[')', 2]], [...stroke(12, BRACE), ...stroke(22, PAREN)])).toEqual(['})', true]);
    expect(lone([['F', 1]], [...stroke(12, BRACE), ...semicolon(22)])).toEqual(['};', true]);
    expect(lone([['“', 1]], [...stroke(12, BRACE), ...semicolon(22)])).toEqual(['};', true]);
    expect(lone([[';', 3]], [...stroke(12, BRACE), ...block(20, 21, 12, 15), ...semicolon(28)])).toEqual(['}`;', true]);
  });

  it('keeps the recogniser’s bracket where its marks agree in number (`}]` stays)', () => {
    expect(lone([['}', 1], [']', 2]], [...stroke(12, BRACE), ...stroke(22, PAREN)])).toEqual(['}]', true]);
  });

  it('reads an opening brace alone', () => {
    expect(lone([['(', 1]], stroke(12, BRACE, true))).toEqual(['{', true]);
    expect(lone([], stroke(12, BRACE, true))).toEqual(['{', true]);
  });

  it('leaves a paren or a bracket alone, and a brace before a letter', () => {
    expect(lone([[')', 1], [',', 2]], [...stroke(12, PAREN), ...comma(22)])).toEqual(['),', false]);
    expect(lone([[']', 1], [',', 2]], [...stroke(12, BAR), ...comma(22)])).toEqual(['],', false]);
    expect(lone([['}', 1], ['a', 2]], [...stroke(12, BRACE), ...block(22, 27, 22, 29)])).toEqual(['}a', false]);
  });

  it('takes a paren read as one for a brace only where clearly pointed (a pixel’s point is a round paren’s in mid-sized type)', () => {
    const pointedParen = [0, 1, 1, 2, 2, 2, 2, 3, 3, 2, 2, 2, 2, 1, 1, 0];
    expect(lone([[')', 1], [';', 2]], [...stroke(12, pointedParen), ...semicolon(22)])).toEqual([');', false]);
    expect(lone([[')', 1], [';', 2]], [...stroke(12, BRACE), ...semicolon(22)])).toEqual(['};', true]);
  });

  it('leaves a brace too short for the page’s lines (a mark of x-height is no brace)', () => {
    expect(lone([[')', 1]], stroke(12, BRACE), 40)).toEqual([')', false]);
  });

  it('leaves a stroke swelling at mid-height on both sides (no arms reaching back)', () => {
    expect(lone([[')', 1]], [...stroke(12, BRACE), ...stroke(10, BRACE, true)])).toEqual([')', false]);
  });

  it('tells a lone `};` from its ink alone, and not the same ink turned upside down (the direction classifier’s doubt)', () => {
    const upright: Pixel[] = [...stroke(12, BRACE), ...semicolon(22)];
    expect(loneBraceInk(cropOf(upright), 20)).toBe(true);
    expect(loneBraceInk(cropOf(upright.map(([x, y]) => [59 - x, 43 - y] as Pixel)), 20)).toBe(false);
  });
});
