import { beforeAll, describe, expect, it } from 'vitest';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import type { Rect } from './raster';
import { reboxRuleLines } from './rule-boxes';

const LINES = ['const a = require("a");', '//------------------------------------------', '// Helpers', '/*-----------------------------------------*/', 'const b = a.b;'];
let page: MonoPage;

beforeAll(async () => {
  page = (await renderMonoPages([{ lines: LINES, size: 14 }]))[0]!;
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
});
