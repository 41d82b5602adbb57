import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { correctByShape, inkMask } from './glyph-shape';
import type { Rgb } from './raster';

const BASELINE = 30;

/** A white crop with one black block per glyph (10 px per time step), standing on one baseline. */
function crop(glyphs: Array<[step: number, height: number]>, width = 200): Rgb {
  const height = 40;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [s, h] of glyphs) {
    for (let y = BASELINE - h; y < BASELINE; y++) for (let x = s * 10 + 2; x < s * 10 + 8; x++) data.set([0, 0, 0], (y * width + x) * 3);
  }
  return { data, width, height };
}

const ch = (char: string, step: number): CtcChar => ({ char, start: step, end: step, prob: 0.99, spaceBefore: 0 });
const read = (text: string, heights: number[]) => {
  const glyphs = [...text].map((c, i) => ch(c, i));
  return correctByShape(glyphs, 10, inkMask(crop(heights.map((h, i) => [i, h]))))
    .map((g) => g.char)
    .join('');
};

const read2 = (text: string, img: Rgb) =>
  correctByShape([...text].map((c, i) => ch(c, i)), 10, inkMask(img))
    .map((g) => g.char)
    .join('');

describe('case by glyph height', () => {
  it('makes a size-only letter a capital when it stands as tall as the capitals ("NoTE" → "NOTE")', () => {
    expect(read('NoTE', [14, 14, 14, 14])).toBe('NOTE');
  });

  it('makes it small when it stands at the x-height ("-S" among small letters → "-s")', () => {
    expect(read('aSe', [10, 10, 10])).toBe('ase');
  });

  it('judges against the x-height alone when the line has no capitals', () => {
    expect(read('neWs', [10, 10, 14, 10])).toBe('neWs');
    expect(read('neWs', [10, 10, 10, 10])).toBe('news');
  });

  it('reads a zero of x-height as the letter o and leaves a zero as tall as the capitals ("-0 FORMAT" → "-o FORMAT")', () => {
    expect(read('a0eF', [10, 10, 10, 14])).toBe('aoeF');
    expect(read('a0eF', [10, 14, 10, 14])).toBe('a0eF');
    // A cell of capitals only ("-0 FORMAT"): a zero well short of them.
    expect(read('0FOR', [10, 14, 14, 14])).toBe('oFOR');
    expect(read('0FOR', [14, 14, 14, 14])).toBe('0FOR');
    // Small letters only ("-0, --owner=所有者"): a zero at their height is the letter, one a third taller the digit.
    expect(read('0wner', [10, 10, 10, 10, 10])).toBe('owner');
    expect(read('0wner', [14, 10, 10, 10, 10])).toBe('0wner');
  });

  it('keeps a dotted zero (its inner mark, centred on the spike, floats above the baseline) a zero ("2025" in Liberation Mono)', () => {
    const img = crop([[0, 14], [2, 14], [3, 14]]);
    // The zero at step 1: a ring around a dot; the dot is the blob nearest its spike.
    for (let y = BASELINE - 14; y < BASELINE; y++) for (let x = 10; x < 19; x++) {
      const ring = y === BASELINE - 14 || y === BASELINE - 1 || x === 10 || x === 18;
      const dot = y >= BASELINE - 9 && y < BASELINE - 5 && x >= 14 && x < 16;
      if (ring || dot) img.data.set([0, 0, 0], (y * img.width + x) * 3);
    }
    expect(read2('2025', img)).toBe('2025');
  });

  it('leaves letters whose capital has another shape, and heights in between, alone', () => {
    expect(read('aBe', [10, 10, 10])).toBe('aBe');
    expect(read('TaoE', [14, 10, 12, 14])).toBe('TaoE');
  });

  it('reads a size-only letter as tall as the capitals of its word as one, where the prose is larger ("cRoss" in inline code)', () => {
    // Prose x-height 10, a word of smaller capitals 11 tall (no call against the line alone), a blank, more prose.
    const glyphs = [ch('a', 0), ch('e', 1), ch('c', 3), ch('R', 4), ch('o', 5), ch('s', 6), ch('D', 7), ch('n', 9), ch('u', 10)];
    const img = crop([[0, 10], [1, 10], [3, 11], [4, 11], [5, 11], [6, 11], [7, 11], [9, 10], [10, 10]]);
    expect(correctByShape(glyphs, 10, inkMask(img)).map((g) => g.char).join('')).toBe('aeCROSDnu');
  });

  it('calls a letter two pixels over an 8 px x-height a capital (DejaVu Sans Mono at 14 px: "createworker" → "createWorker")', () => {
    expect(read('neWs', [8, 8, 10, 8])).toBe('neWs');
    expect(read('news', [8, 8, 10, 8])).toBe('neWs');
    // One pixel over a 5 px x-height is a round letter's overshoot, not a capital.
    expect(read('neos', [5, 5, 6, 5])).toBe('neos');
  });

  it('reads `u` at cap height as `U` ("uRL" → "URL")', () => {
    expect(read('auRL', [10, 14, 14, 14])).toBe('aURL');
    expect(read('aUe', [10, 10, 10])).toBe('aue');
  });

  it('measures a size-only letter touching its neighbours in its own columns ("rWo" in monospace)', () => {
    // r, W, o at steps 0–2, W's ink running into both neighbours along the baseline (no blob of its own); a, e apart.
    const img = crop([[0, 8], [1, 10], [2, 8], [4, 8], [5, 8]]);
    for (let y = BASELINE - 2; y < BASELINE; y++) for (let x = 8; x < 22; x++) img.data.set([0, 0, 0], (y * 200 + x) * 3);
    const glyphs = [ch('r', 0), ch('w', 1), ch('o', 2), ch('a', 4), ch('e', 5)];
    expect(correctByShape(glyphs, 10, inkMask(img)).map((g) => g.char).join('')).toBe('rWoae');
  });

  it('makes no call on text too small to tell the sizes apart', () => {
    expect(read('aOe', [4, 4, 4])).toBe('aOe');
  });
});

/** Crop with x-height letters at the given steps and hyphen bars [x0, x1) at mid x-height. */
function withBars(letters: number[], bars: Array<[number, number]>, width = 200): Rgb {
  const img = crop(letters.map((s) => [s, 10]), width);
  for (const [x0, x1] of bars) for (let y = BASELINE - 6; y < BASELINE - 4; y++) for (let x = x0; x < x1; x++) img.data.set([0, 0, 0], (y * width + x) * 3);
  return img;
}

describe('hyphens CTC merged', () => {
  const line = (glyphs: CtcChar[], img: Rgb) => correctByShape(glyphs, 10, inkMask(img)).map((g) => g.char).join('');

  it('reads one hyphen over two hyphen-shaped bars as two ("-format" → "--format")', () => {
    // a at step 0, bars at 12–16 and 19–23 px, hyphen spike at step 1, m at step 3.
    expect(line([ch('a', 0), ch('-', 1), ch('m', 3)], withBars([0, 3], [[12, 16], [19, 23]]))).toBe('a--m');
  });

  it('reads one bar as long as two, opening a flag right before its letter, as two hyphens', () => {
    expect(line([ch('-', 0), ch('m', 2)], withBars([2], [[1, 19]]))).toBe('--m');
  });

  it('keeps a single hyphen, and a long dash standing apart from the next word', () => {
    expect(line([ch('a', 0), ch('-', 1), ch('m', 2)], withBars([0, 2], [[12, 17]]))).toBe('a-m');
    expect(line([ch('-', 0), ch('m', 4)], withBars([4], [[1, 19]]))).toBe('-m');
  });
});

