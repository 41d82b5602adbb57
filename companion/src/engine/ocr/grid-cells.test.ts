import { beforeAll, describe, expect, it } from 'vitest';
import { inkTest } from './char-grid';
import { checkCells } from './grid-cells';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import type { LaidLine } from './layout';

const LINES = ['-rw-r--r--  1 root     root      1853 ethertypes', '  -s, --no-messages         suppress error messages', '| ii | adduser | 3.134  |', '  -v, --invert-match 选中不匹配的行', '  一年中的第几周', 'const ts9__default = __dirname;', '//------------------------------', '/*------------------------------*/', '__frees = None'];
let page: MonoPage;

beforeAll(async () => {
  page = (await renderMonoPages([{ lines: LINES, size: 14 }]))[0]!;
});

/** The recogniser's reading of line i: `text` over the box of the glyphs `from`..`to` of the drawn line. */
function read(i: number, text: string, from: number, to: number): LaidLine {
  const b = page.boxes[i]!;
  return { text, box: [Math.round(20 + from * page.pitch - 2), b[1], Math.round(20 + to * page.pitch + 2), b[3]], score: 0.95, pitch: page.pitch };
}

describe('monospace lines checked cell by cell', () => {
  it('puts the glyphs on the inked cells: a space between dashes goes, runs of spaces come back', () => {
    const out = checkCells(page.rgb, inkTest(page.rgb), read(0, '-rw-r- -r- - 1 root root 1853 ethertypes', 0, LINES[0]!.length));
    expect(out.text).toBe(LINES[0]);
  });

  it('restores a dash the recogniser dropped at the start of a crop', () => {
    const line = LINES[1]!.trim();
    // "-s, --no-messages" read as "s, --no-messages" over the box of the whole line.
    const out = checkCells(page.rgb, inkTest(page.rgb), read(1, 's, --no-messages         suppress error messages', 2, 2 + line.length));
    expect(out.text).toBe(line);
  });

  it('reads a table bar misread as 1 as the bar', () => {
    const grid = { pitch: page.pitch, origin: 20 % page.pitch, strength: 1 };
    const bars = new Set([0, 5, 15, 24].map((k) => k + Math.floor(20 / page.pitch)));
    const out = checkCells(page.rgb, inkTest(page.rgb), read(2, '| ii | adduser 1 3.134  |', 0, LINES[2]!.length), { grid, barCells: bars, bar: '|' });
    expect(out.text).toBe(LINES[2]);
  });

  it('in a line with Chinese, restores the dashes its options start with, and takes no "一" for one', () => {
    const grid = { pitch: page.pitch, origin: 20 % page.pitch, strength: 1 };
    const option = { ...read(3, 'V, --invert-match 选中不匹配的行', 3, 30), pitch: page.pitch };
    expect(checkCells(page.rgb, inkTest(page.rgb), option, { grid }).text).toBe('-V, --invert-match 选中不匹配的行');
    const chinese = { ...read(4, '一年中的第几周', 2, 16), pitch: page.pitch };
    expect(checkCells(page.rgb, inkTest(page.rgb), chinese, { grid }).text).toBe('一年中的第几周');
  });

  it('reads a blank or a dash beside an underscore as the second underscore of `__` when the cell holds a low stroke', () => {
    const out = checkCells(page.rgb, inkTest(page.rgb), read(5, 'const ts9 _default = -_dirname;', 0, LINES[5]!.length));
    expect(out.text).toBe(LINES[5]);
    // A real blank beside an underscore stays.
    expect(checkCells(page.rgb, inkTest(page.rgb), read(5, 'const ts9__default = __dirname;', 0, LINES[5]!.length)).text).toBe(LINES[5]);
  });

  it('restores an underscore the crop lost beside an underscore on its rows, not a dash', () => {
    // "__frees" read as "_frees" over a box that starts at the second underscore.
    const out = checkCells(page.rgb, inkTest(page.rgb), read(8, '_frees = None', 1, LINES[8]!.length));
    expect(out.text).toBe(LINES[8]);
  });

  it("writes a comment banner's dash run from its cells, however the recogniser spaced or merged the dashes", () => {
    const grid = { pitch: page.pitch, origin: 20 % page.pitch, strength: 1 };
    const banner = (i: number, text: string) => checkCells(page.rgb, inkTest(page.rgb), { ...read(i, text, 0, LINES[i]!.length), pitch: page.pitch }, { grid }).text;
    expect(banner(6, '—— - - - - - - -- - - - - - - - - -')).toBe(LINES[6]);
    expect(banner(6, '—/----------------')).toBe(LINES[6]);
    expect(banner(7, '/—------------------------*/')).toBe(LINES[7]);
    // Marks it cannot account for: left as read.
    expect(banner(7, '- - - - - - - - - -')).toBe('- - - - - - - - - -');
  });

  it('leaves a line alone when its text does not line up with the ink', () => {
    const line = read(0, 'completely different words here', 0, LINES[0]!.length);
    expect(checkCells(page.rgb, inkTest(page.rgb), line)).toBe(line);
  });
});
