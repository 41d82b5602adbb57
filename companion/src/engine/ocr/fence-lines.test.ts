import { beforeAll, describe, expect, it } from 'vitest';
import { inkTest } from './char-grid';
import { readFenceLines } from './fence-lines';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import type { LaidLine } from './layout';
import type { Rect } from './raster';

const LINES = ['const a = require(x);', '```', 'let b = a.read();', 'I I I'];
let page: MonoPage;

beforeAll(async () => {
  page = (await renderMonoPages([{ lines: LINES, size: 14, fg: '#1f2328', bg: '#ffffff' }]))[0]!;
});

/** The ink's own bounding box inside line i's band: what the detector gives a row of small marks. */
function inkBox(i: number): Rect {
  const ink = inkTest(page.rgb);
  const [x0, y0, x1, y1] = page.boxes[i]!;
  let [a, b, c, d] = [Infinity, Infinity, -1, -1];
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (ink(x, y)) [a, b, c, d] = [Math.min(a, x), Math.min(b, y), Math.max(c, x + 1), Math.max(d, y + 1)];
  return [a - 1, b - 1, c + 1, d + 1];
}

const mono = (i: number): LaidLine => ({ text: LINES[i]!, box: page.boxes[i]!, score: 0.95, pitch: page.pitch });

describe('fence lines read as other marks', () => {
  it('reads a row of three backtick strokes boxed on their own as a fence', () => {
    const out = readFenceLines(page.rgb, [mono(0), { text: 'I I I', box: inkBox(1), score: 0.6 }, mono(2)]);
    expect(out[1]!.text).toBe('```');
  });

  it('leaves marks that are not backticks: capital I strokes stand upright', () => {
    const out = readFenceLines(page.rgb, [mono(0), { text: 'I I I', box: inkBox(3), score: 0.6 }, mono(2)]);
    expect(out[1]!.text).toBe('I I I');
  });
});
