import { beforeAll, describe, expect, it } from 'vitest';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import type { Rect } from './raster';
import { keepReading, reboxRuleLines, ruleLineBoxes } from './rule-boxes';

const LINES = ['const a = require("a");', '//------------------------------------------', '// Helpers', '/*-----------------------------------------*/', 'const b = a.b;'];
const STARS = ['const a = require("a");', '// ************************************', 'const b = a.b;', 'const c = b.c;', 'const d = c.d;'];
let page: MonoPage;
let stars: MonoPage;

beforeAll(async () => {
  [page, stars] = (await renderMonoPages([{ lines: LINES, size: 14 }, { lines: STARS, size: 14 }])) as [MonoPage, MonoPage];
});

/** The band of line i's dashes: what the detector boxes of a banner when it boxes its dashes alone. */
const dashBand = (i: number): Rect => {
  const b = page.boxes[i]!;
  const mid = b[1] + 0.55 * (b[3] - b[1]);
  return [Math.round(20 + 2 * page.pitch), Math.round(mid - 4), b[2], Math.round(mid + 4)];
};

describe('comment banners the detector boxes round their dashes, or not at all', () => {
  it('puts a dash-band box back at the line height of its row and over the `//` it starts with', () => {
    const boxes = [page.boxes[0]!, dashBand(1), page.boxes[2]!, page.boxes[3]!, page.boxes[4]!];
    const out = reboxRuleLines(page.rgb, boxes);
    const [x0, y0, x1, y1] = out[1]!;
    const want = page.boxes[1]!;
    expect(x0).toBeLessThanOrEqual(want[0] + 2);
    expect(Math.abs(y0 - want[1])).toBeLessThanOrEqual(3);
    expect(Math.abs(y1 - want[3])).toBeLessThanOrEqual(3);
    expect(x1).toBeGreaterThanOrEqual(want[2] - 4);
    // The other boxes are left as they were.
    expect(out.filter((_, i) => i !== 1)).toEqual(boxes.filter((_, i) => i !== 1));
  });

  it('boxes a banner no box holds (a block comment banner alone on its row) on the line rhythm', () => {
    const boxes = [page.boxes[0]!, page.boxes[1]!, page.boxes[2]!, page.boxes[4]!];
    const out = reboxRuleLines(page.rgb, boxes);
    expect(out).toHaveLength(5);
    const added = out[4]!;
    const want = page.boxes[3]!;
    expect(Math.abs(added[1] - want[1])).toBeLessThanOrEqual(3);
    expect(Math.abs(added[3] - want[3])).toBeLessThanOrEqual(3);
    expect(added[0]).toBeLessThanOrEqual(want[0] + 2);
    expect(added[2]).toBeGreaterThanOrEqual(want[2] - 4);
  });

  it('leaves pages without such boxes alone', () => {
    const boxes = [page.boxes[0]!, page.boxes[1]!, page.boxes[2]!, page.boxes[3]!, page.boxes[4]!];
    expect(reboxRuleLines(page.rgb, boxes)).toEqual(boxes);
    // A text line boxed low (no ascenders or descenders) has stems: no rule.
    const b = page.boxes[0]!;
    const low: Rect[] = [[b[0], b[1] + 6, b[2], b[3] - 2], ...boxes.slice(1)];
    expect(reboxRuleLines(page.rgb, low)).toEqual(low);
  });

  it('takes in a crumb the detector boxed alone at the dash run\'s start instead of stopping at it', () => {
    const band = dashBand(1);
    // A box round the first dash alone, short and narrow, just before the band's box.
    const crumb: Rect = [band[0] - page.pitch, band[1] + 1, band[0] - 1, band[3] - 1];
    const boxes = [page.boxes[0]!, crumb, band, page.boxes[2]!, page.boxes[3]!, page.boxes[4]!];
    const out = ruleLineBoxes(page.rgb, boxes);
    const want = page.boxes[1]!;
    expect(out.rects[2]![0]).toBeLessThanOrEqual(want[0] + 2);
    expect([...out.swallowed]).toEqual([1]);
    expect(out.banners.has(2)).toBe(true);
    expect(out.banners.has(0)).toBe(false);
  });

  it('keeps an unsure reading only where it is a banner\'s dash run', () => {
    const ruled = { rects: [], banners: new Set([1]), swallowed: new Set<number>() };
    const dashes = '——-——---— ---—---——--——---— --—-——--——--——--';
    expect(keepReading(ruled, 1, dashes, 0.49)).toBe(true);
    expect(keepReading(ruled, 0, dashes, 0.49)).toBe(false);
    expect(keepReading(ruled, 1, 'const x = 1;', 0.49)).toBe(false);
    expect(keepReading(ruled, 0, 'const x = 1;', 0.9)).toBe(true);
  });

  it('puts a box round a row of stars alone (a third of a line high) back at the line height', () => {
    const b = stars.boxes[1]!;
    const h = b[3] - b[1];
    // The stars' own band: the top of the line's box, under half its height.
    const band: Rect = [Math.round(b[0] + 3 * stars.pitch), Math.round(b[1] + 0.15 * h), b[2], Math.round(b[1] + 0.5 * h)];
    const boxes = [stars.boxes[0]!, band, ...stars.boxes.slice(2)];
    const out = reboxRuleLines(stars.rgb, boxes);
    expect(Math.abs(out[1]![1] - b[1])).toBeLessThanOrEqual(3);
    expect(Math.abs(out[1]![3] - b[3])).toBeLessThanOrEqual(3);
    expect(out[1]![2]).toBeGreaterThanOrEqual(b[2] - 4);
  });
});
