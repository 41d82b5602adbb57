import { beforeAll, describe, expect, it } from 'vitest';
import { readDashRows } from './dash-rows';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import type { LaidLine } from './layout';

const LINES = ['| Name    | Type     |', '|---------|----------|', '----------', 'a - b - c - d'];
let page: MonoPage;

beforeAll(async () => {
  page = (await renderMonoPages([{ lines: LINES, size: 14, fg: '#e6edf3', bg: '#0d1117' }]))[0]!;
});

const line = (i: number, text: string): LaidLine => ({ text, box: page.boxes[i]!, score: 0.8, pitch: page.pitch });
/** The page's monospace lines beside the one read (they tell the pitch and the line height). */
const withPage = (l: LaidLine): LaidLine[] => [line(0, LINES[0]!), l, line(3, LINES[3]!)];

describe('dash rows written again from their cells', () => {
  it('reads a Markdown table separator row read as spaced dashes', () => {
    expect(readDashRows(page.rgb, withPage(line(1, '— — — — — — — — — — - |'))).map((l) => l.text)).toContain(LINES[1]);
  });

  it('reads a rule of hyphens', () => {
    expect(readDashRows(page.rgb, withPage(line(2, '— — — — —'))).map((l) => l.text)).toContain(LINES[2]);
  });

  it('joins the pieces the detector cut a long row into', () => {
    const [x0, y0, x1, y1] = page.boxes[1]!;
    const cut = Math.round(x0 + 10.5 * page.pitch);
    const pieces = [{ text: '— — — — — -', box: [x0, y0, cut, y1], score: 0.8 }, { text: '— — — — |', box: [cut + 1, y0, x1, y1], score: 0.8 }] satisfies LaidLine[];
    expect(readDashRows(page.rgb, [line(0, LINES[0]!), ...pieces, line(3, LINES[3]!)]).map((l) => l.text)).toContain(LINES[1]);
  });

  it('leaves a line with letters, and a proportional line, alone', () => {
    expect(readDashRows(page.rgb, withPage(line(3, 'a - b - c - d'))).map((l) => l.text)).toContain('a - b - c - d');
    // Without monospace lines on the page there is no grid to write the dashes on.
    const { pitch: _pitch, ...proportional } = line(1, '— — — — —');
    expect(readDashRows(page.rgb, [proportional])[0]!.text).toBe('— — — — —');
  });
});
