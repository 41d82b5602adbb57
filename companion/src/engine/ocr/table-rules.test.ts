import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeRegion } from './decode';
import { inkTest } from './char-grid';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import { layoutText, type LaidLine } from './layout';
import { findRules, framedTables, groupTables } from './ruled-lines';
import { gridPitchFor, onCharacterGrid, ruleLine, scanTables } from './table-rules';
import type { Rect } from './raster';

const ASCII = [
  '+----+---------+--------+',
  '| ii | adduser | 3.134  |',
  '+----+---------+--------+',
  '| ii | libc6   | 2.36-9 |',
  '| ii | zlib1g  | -      |',
  '+----+---------+--------+',
];
const BOX = [
  '┌────────────┬────┬──────┐',
  '│ drwxr-xr-x │ 80 │ root │',
  '├────────────┼────┼──────┤',
  '│ lrwxrwxrwx │ 1  │ root │',
  '└────────────┴────┴──────┘',
];
/** nvidia-smi's layout: bars meeting rules (`|---+---|`), a `===` header rule. */
const SMI = [
  '+-----------------------------------------+',
  '| NVIDIA-SMI 535.104   Driver: 535.104    |',
  '|-------------------+---------------------+',
  '| GPU  Name    Fan  | Bus-Id       Disp.A |',
  '|===================+=====================|',
  '| N/A   38C    P8   |    0MiB / 15360MiB  |',
  '+-------------------+---------------------+',
];
const isRule = (l: string) => /^[+┌├└]|^\|[-=]/.test(l);

/** An editor's section banner: two rules with the same ends, nothing running down from them. */
/** An editor page: a gutter number, then code, on each line. */
const EDITOR = ['33  var freeSelf = typeof self == "object" && self;', '34  var root = freeGlobal || freeSelf || Function();', '35  var objectProto = Object.prototype;', '36  var hasOwn = objectProto.hasOwnProperty;'];
const BANNER = ['//-----------------------------------------', '// Helpers', '//-----------------------------------------', 'const require$1 = module$1.createRequire(x);'];

let ascii: MonoPage, box: MonoPage, plain: MonoPage, smi: MonoPage, banner: MonoPage, editor: MonoPage;

beforeAll(async () => {
  const pages = await renderMonoPages([
    { lines: ASCII, size: 14 },
    { lines: BOX, size: 14, fg: '#586e75', bg: '#fdf6e3' },
    { lines: ['drwxr-xr-x  2 root root 4096 environment.d', '-rw-r--r--  1 root root 1853 ethertypes', '-rw-r--r--  1 root root 2584 gai.conf'], size: 14 },
    { lines: SMI, size: 14 },
    { lines: BANNER, size: 13, fg: '#6a9955' },
    { lines: EDITOR, size: 14 },
  ]);
  [ascii, box, plain, smi, banner, editor] = [pages[0]!, pages[1]!, pages[2]!, pages[3]!, pages[4]!, pages[5]!];
});

/** The detector's view of a table: its text cells (never the bars, rules or a lone dash), each a box. */
function cells(page: MonoPage, lines: string[]): LaidLine[] {
  return lines.flatMap((l, i) => {
    if (isRule(l)) return [];
    const b = page.boxes[i]!;
    return [...l.matchAll(/[^|│ ]+(?: [^|│ ]+)*/g)].filter((m) => m[0] !== '-').map((m) => ({
      text: m[0],
      box: [Math.round(20 + m.index * page.pitch - 2), b[1], Math.round(20 + (m.index + m[0].length) * page.pitch + 2), b[3]] as [number, number, number, number],
      score: 0.99,
    }));
  });
}

describe('character-drawn tables', () => {
  it('finds the ruled lines of an ASCII table, and no others', () => {
    const rules = findRules(ascii.rgb, inkTest(ascii.rgb));
    expect(rules).toHaveLength(3);
    expect(groupTables(rules)).toHaveLength(1);
    expect(rules.every((r) => !r.solid)).toBe(true);
    expect(findRules(plain.rgb, inkTest(plain.rgb))).toHaveLength(0);
  });

  it("finds an editor page's grid though its gutter numbers' boxes are a quarter lower than the code's", () => {
    // The detector's boxes: digits have no descender and nothing above their tops; code has both.
    const boxes = editor.boxes.flatMap((b): Rect[] => {
      const size = 14;
      const base = b[3] - Math.round(0.3 * size);
      return [[b[0], Math.round(base - 0.75 * size), Math.round(20 + 2 * editor.pitch + 3), base + 1], [Math.round(20 + 4 * editor.pitch - 3), b[1], b[2], b[3]]];
    });
    const scan = scanTables(editor.rgb, boxes);
    expect(Math.abs((scan?.grid.pitch ?? 0) - editor.pitch)).toBeLessThan(0.05);
    for (const b of boxes) expect(gridPitchFor(scan, b)).toBe(scan!.grid.pitch);
  });

  it('takes comment banners for no table: no bar runs down from their ends', () => {
    expect(groupTables(findRules(banner.rgb, inkTest(banner.rgb)))).toHaveLength(1);
    expect(scanTables(banner.rgb, banner.boxes)?.tables ?? []).toHaveLength(0);
    for (const page of [ascii, box, smi]) expect(framedTables(page.rgb, inkTest(page.rgb), findRules(page.rgb, inkTest(page.rgb)))).toHaveLength(1);
  });

  it('takes no dense lowercase line for a double rule (its stems fill the rows between)', async () => {
    // Raw Markdown links in Chromium's DejaVu Sans Mono 13 px: x-height tops and baselines inked along most of each line.
    const { rgb } = await decodeRegion(new Uint8Array(await readFile(resolve(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/ocr-units/md-raw-links.png'))));
    expect(findRules(rgb, inkTest(rgb))).toHaveLength(0);
    expect(findRules(smi.rgb, inkTest(smi.rgb)).filter((r) => r.double)).toHaveLength(1);
  });

  it('writes each rule a character per cell: junctions where strokes cross, a bar meeting it, a double rule', () => {
    for (const [page, lines] of [[ascii, ASCII], [box, BOX], [smi, SMI]] as const) {
      const scan = scanTables(page.rgb, page.boxes.filter((_, i) => !isRule(lines[i]!)))!;
      expect(scan).toBeDefined();
      // The renderer rounds the advance to 1/64 px.
      expect(Math.abs(scan.grid.pitch - page.pitch)).toBeLessThan(0.02);
      expect(scan.tables[0]!.rules.map((r) => ruleLine(page.rgb, scan, r).text)).toEqual(lines.filter(isRule));
    }
  });

  it('adds the bars and lone dashes the detector does not see and lays the table out as drawn', () => {
    for (const [page, lines] of [[ascii, ASCII], [box, BOX], [smi, SMI]] as const) {
      const scan = scanTables(page.rgb, page.boxes.filter((_, i) => !isRule(lines[i]!)));
      expect(layoutText(onCharacterGrid(page.rgb, cells(page, lines), scan)).text).toBe(lines.join('\n'));
    }
  });

  it('drops what the recogniser made of a rule, keeps text', () => {
    const scan = scanTables(ascii.rgb, ascii.boxes.filter((_, i) => !isRule(ASCII[i]!)));
    const rule = ascii.boxes[2]!;
    const debris: LaidLine = { text: '+:', box: [20, rule[1], 40, rule[3]], score: 0.8 };
    const out = onCharacterGrid(ascii.rgb, [...cells(ascii, ASCII), debris], scan);
    expect(out.some((l) => l.text === '+:')).toBe(false);
    expect(out.some((l) => l.text === 'adduser')).toBe(true);
  });
});
