import { beforeAll, describe, expect, it } from 'vitest';
import { inkTest } from './char-grid';
import { checkCells } from './grid-cells';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import type { LaidLine } from './layout';

const LINES = [
  'call `stream.read()` then read',
  "x = require('flatted');",
  '```js',
  'say "atomic writes" now',
  "if a or b is x, `consequent;` ends.",
  '| Drone | `ci.DRONE`',
];
let page: MonoPage;

beforeAll(async () => {
  page = (await renderMonoPages([{ lines: LINES, size: 14, fg: '#1f2328', bg: '#ffffff' }]))[0]!;
});

/** The recogniser's reading of line i over the box of the whole drawn line. */
function read(i: number, text: string): LaidLine {
  const b = page.boxes[i]!;
  return { text, box: [Math.round(20 - 2), b[1], Math.round(20 + LINES[i]!.length * page.pitch + 2), b[3]], score: 0.95, pitch: page.pitch };
}

describe('quote marks on the character grid (grid-ticks.ts)', () => {
  it('puts back a closing backtick read as a blank', () => {
    expect(checkCells(page.rgb, inkTest(page.rgb), read(0, 'call `stream.read()  then read')).text).toBe(LINES[0]);
  });

  it('puts back an opening apostrophe the recogniser left out', () => {
    expect(checkCells(page.rgb, inkTest(page.rgb), read(1, "x = require( flatted');")).text).toBe(LINES[1]);
  });

  it('reads a fence whose backticks came back as other marks', () => {
    expect(checkCells(page.rgb, inkTest(page.rgb), read(2, "'I js")).text).toBe(LINES[2]);
  });

  it('keeps a double quote a double quote', () => {
    expect(checkCells(page.rgb, inkTest(page.rgb), read(3, LINES[3]!)).text).toBe(LINES[3]);
  });

  it('puts back a backtick just past the end of the crop', () => {
    // The recogniser's box ends at the E: the closing mark lies one cell outside it.
    const b = page.boxes[5]!;
    const line: LaidLine = { text: '| Drone | `ci.DRONE', box: [18, b[1], Math.round(20 + (LINES[5]!.length - 1) * page.pitch), b[3]], score: 0.95, pitch: page.pitch };
    expect(checkCells(page.rgb, inkTest(page.rgb), line).text).toBe(LINES[5]);
  });

  it('moves the rest of the line on when the lost mark took the blank after it', () => {
    expect(checkCells(page.rgb, inkTest(page.rgb), read(4, 'if a or b is x, `consequent; ends.')).text).toBe(LINES[4]);
  });
});
