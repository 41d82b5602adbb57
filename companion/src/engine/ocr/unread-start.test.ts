import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { inkMask } from './glyph-shape';
import type { Rgb } from './raster';
import type { Recognised, Recognizer } from './recognizer';
import { leadingInk, readUnreadStarts } from './unread-start';

/** A white crop 80 × 24 with black ink rectangles [x0, x1] × rows 4–19. */
function crop(inks: Array<[number, number]>): Rgb {
  const width = 80;
  const height = 24;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [x0, x1] of inks) for (let y = 4; y < 20; y++) for (let x = x0; x <= x1; x++) data.set([0, 0, 0], (y * width + x) * 3);
  return { data, width, height };
}

const ch = (char: string, step: number): CtcChar => ({ char, start: step, end: step, prob: 0.99, spaceBefore: 0 });
/** `)` and `;` read at steps 5 and 7 (4 px a step: centres x 22 and 30); a brace's ink at x 8–12 read as nothing. */
const line = (): Recognised => ({ chars: [ch(')', 5), ch(';', 7)], score: 0.8, pxPerStep: 4, steps: 20 });
const BRACE_LINE = (): Rgb => crop([[8, 12], [20, 24], [29, 31]]);

/** A recogniser that reads every crop as `text` with `score`. */
const reader = (text: string, score: number) =>
  ({
    recognize: async (crops: Rgb[]) => crops.map((): Recognised => ({ chars: [...text].map((c, k) => ch(c, k)), score, pxPerStep: 4, steps: 10 })),
  }) as unknown as Recognizer;

describe('a glyph at the start of a crop read as nothing', () => {
  it('finds ink standing a glyph apart before the first glyph', () => {
    expect(leadingInk(inkMask(BRACE_LINE()), 20, 22)).toEqual({ x0: 8, x1: 12 });
  });

  it('finds nothing where the ink before is part of the first glyph (the two ticks of a quote) or a speck', () => {
    expect(leadingInk(inkMask(crop([[16, 17], [20, 21], [29, 31]])), 20, 20.5)).toBeUndefined();
    const speck = BRACE_LINE();
    for (let y = 4; y < 20; y++) for (let x = 8; x <= 12; x++) if (y !== 10 || x !== 10) speck.data.set([255, 255, 255], (y * 80 + x) * 3);
    expect(leadingInk(inkMask(speck), 20, 22)).toBeUndefined();
  });

  it('puts what the ink surely reads alone in front ("});"), and nothing when the reading is unsure', async () => {
    const recs = [line()];
    await readUnreadStarts(reader('}', 0.96), [BRACE_LINE()], recs, [false]);
    expect(recs[0]!.chars.map((c) => c.char).join('')).toBe('});');
    // The brace sits at its ink's centre (x 10.5 → step 2.1), before the first glyph.
    expect(recs[0]!.chars[0]!.start).toBeCloseTo(10.5 / 4 - 0.5, 5);
    const unsure = [line()];
    await readUnreadStarts(reader('f', 0.5), [BRACE_LINE()], unsure, [false]);
    expect(unsure[0]!.chars.map((c) => c.char).join('')).toBe(');');
  });

  it('puts a slash in front from its shape alone (the `/` of `/**`), not an upright stroke', async () => {
    // A stroke over rows 4–19 whose top stands 4 px right of its foot, before the first glyph.
    const slashed = crop([[20, 24], [29, 31]]);
    for (let y = 4; y < 20; y++) for (let x = 0; x < 2; x++) slashed.data.set([0, 0, 0], (y * 80 + 6 + Math.round((19 - y) / 4) + x) * 3);
    expect(leadingInk(inkMask(slashed), 20, 22)?.mark).toBe('/');
    const recs = [line()];
    await readUnreadStarts(reader('', 0), [slashed], recs, [false]);
    expect(recs[0]!.chars.map((c) => c.char).join('')).toBe('/);');
    const upright = crop([[7, 8], [20, 24], [29, 31]]);
    expect(leadingInk(inkMask(upright), 20, 22)?.mark).toBeUndefined();
  });

  it('puts a bullet\'s dash in front from its shape alone, however it would read alone ("- `name`")', async () => {
    // A bar 6 px wide and 2 px thick mid-band (rows 11–12 of 4–19) before the first glyph's ink.
    const dashed = crop([[20, 24], [29, 31]]);
    for (let y = 11; y <= 12; y++) for (let x = 6; x <= 11; x++) dashed.data.set([0, 0, 0], (y * 80 + x) * 3);
    expect(leadingInk(inkMask(dashed), 20, 22)).toEqual({ x0: 6, x1: 11, mark: '-' });
    const recs = [line()];
    await readUnreadStarts(reader('T', 0.48), [dashed], recs, [false]);
    expect(recs[0]!.chars.map((c) => c.char).join('')).toBe('-);');
    // Low in the band it is an underscore's place, not a dash's.
    const low = crop([[20, 24], [29, 31]]);
    for (let y = 18; y <= 19; y++) for (let x = 6; x <= 11; x++) low.data.set([0, 0, 0], (y * 80 + x) * 3);
    expect(leadingInk(inkMask(low), 20, 22)?.mark).toBeUndefined();
  });
});
