import { beforeAll, describe, expect, it } from 'vitest';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import { addMissedMarks, linePitch, markFromShape, unreadBoxes, type Blob } from './missed-marks';
import type { Rect } from './raster';
import { tunePageReader } from './tune-pages';

const blob = (x0: number, y0: number, x1: number, y1: number): Blob => ({ x0, y0, x1, y1, pixels: (x1 - x0 + 1) * (y1 - y0 + 1) });
const BOX: Rect = [10, 100, 40, 120];

describe('markFromShape', () => {
  it('reads small blobs high in the line as backticks, low ones as full stops, flat ones as hyphens', () => {
    expect(markFromShape([blob(12, 103, 14, 104), blob(20, 103, 22, 104), blob(28, 103, 30, 104)], BOX)).toBe('```');
    expect(markFromShape([blob(12, 112, 13, 113), blob(20, 112, 21, 113), blob(28, 112, 29, 113)], BOX)).toBe('...');
    expect(markFromShape([blob(12, 110, 17, 110), blob(20, 110, 25, 110), blob(28, 110, 33, 110)], BOX)).toBe('---');
  });

  it('leaves mixed, single or glyph-sized marks to the recogniser', () => {
    expect(markFromShape([blob(12, 103, 14, 104), blob(20, 112, 21, 113)], BOX)).toBeUndefined();
    expect(markFromShape([blob(12, 103, 14, 104)], BOX)).toBeUndefined();
    // A `}` is as tall as a line.
    expect(markFromShape([blob(12, 101, 16, 117), blob(20, 101, 24, 117)], BOX)).toBeUndefined();
  });
});

describe('linePitch', () => {
  it('finds the pitch of jittered rows with blank lines between, and none where rows do not fall on one', () => {
    const rows = [0, 1, 2, 4, 5, 7, 8, 9].map((k, i): Rect => [10, 20 + k * 20.3 + (i % 2 ? 1 : -1), 300, 37 + k * 20.3]);
    expect(linePitch(rows, 17)).toBeCloseTo(20.3, 0);
    const scattered = [0, 23, 61, 80, 133, 150, 171].map((y): Rect => [10, y, 300, y + 17]);
    expect(linePitch(scattered, 17)).toBeUndefined();
  });
});

describe('addMissedMarks', () => {
  let page: MonoPage;
  const LINES = ['```js', '* [API](docs/api.md)', 'const x = require(x);', 'if (x) {', '  run(x);', '}', '```'];
  beforeAll(async () => {
    [page] = (await renderMonoPages([{ lines: LINES, size: 16 }])) as [MonoPage];
  });

  it('widens a box over the bullet the detector left out and boxes the fence and brace lines it missed', () => {
    const { boxes, pitch } = page;
    // As the detector gives them: no box for the closing brace or fence, the bullet line's box after "* ".
    const detected: Rect[] = [boxes[0]!, [Math.round(boxes[1]![0] + 2 * pitch), boxes[1]![1], boxes[1]![2], boxes[1]![3]], boxes[2]!, boxes[3]!, boxes[4]!];
    const marked = addMissedMarks(page.rgb, detected);
    expect(marked.rects[1]![0]).toBeLessThanOrEqual(boxes[1]![0] + 3);
    expect(marked.rects.slice(0, 5).filter((r, i) => i !== 1 && r.some((v, k) => v !== detected[i]![k]))).toEqual([]);
    const added = [...marked.added.keys()].map((i) => marked.rects[i]!);
    expect(added).toHaveLength(2);
    const rowOf = (r: Rect) => LINES.findIndex((_, k) => Math.abs((r[1] + r[3]) / 2 - (boxes[k]![1] + boxes[k]![3]) / 2) < 0.3 * pitch * 2);
    expect(added.map(rowOf)).toEqual([5, 6]);
    const fence = [...marked.added.entries()].find(([i]) => rowOf(marked.rects[i]!) === 6)!;
    expect(markFromShape(fence[1], marked.rects[fence[0]]!)).toBe('```');
  });

  it('rereads a short box alone on its row as a line-sized one, keeping the first reading when it was read', () => {
    const { boxes } = page;
    const brace = boxes[5]!;
    const short: Rect = [brace[0], brace[1] + 4, brace[2], brace[3] - 4];
    const marked = addMissedMarks(page.rgb, [...boxes.slice(0, 5), short, boxes[6]!]);
    expect([...marked.rereads.values()]).toEqual([5]);
    const [again] = [...marked.rereads.keys()];
    expect(marked.rects[again!]![3] - marked.rects[again!]![1]).toBeGreaterThan(short[3] - short[1]);
    expect(unreadBoxes(marked, () => true)).toEqual(new Set([5]));
    expect(unreadBoxes(marked, () => false)).toEqual(new Set([again]));
  });

  it('finds nothing on a page whose boxes hold all its ink', () => {
    const marked = addMissedMarks(page.rgb, page.boxes);
    expect(marked.added.size).toBe(0);
    expect(marked.rects).toEqual(page.boxes);
  });
});

describe('missed marks on a raw Markdown page', () => {
  const read = tunePageReader();

  it('reads the closing fence the detector misses (tune page c_en-057-md-raw)', async () => {
    const out = await read('c_en-057-md-raw');
    expect(out.text.split('\n').slice(0, 4).map((l) => l.trim())).toEqual(["resolveFrom('foo', './bar');", "//=> '/Users/sindresorhus/dev/test/foo/bar.js'", '```', '']);
  }, 60_000);
});
