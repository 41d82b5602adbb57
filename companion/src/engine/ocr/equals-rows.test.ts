import { beforeAll, describe, expect, it } from 'vitest';
import { readEqualsRows } from './equals-rows';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import type { LaidLine } from './layout';

const LINES = ['Loupe', '================', 'Desired=Unknown/Install', '+++-==============-========-=====', 'ii  adduser   3.134   all', '# ======================', 'done'];
let pages: MonoPage[];

beforeAll(async () => {
  pages = await renderMonoPages([
    { lines: LINES, size: 14, fg: '#e6edf3', bg: '#0d1117' },
    { lines: LINES, size: 16, fg: '#1f2328', bg: '#ffffff' },
  ]);
});

const line = (page: MonoPage, i: number, text = LINES[i]!): LaidLine => ({ text, box: page.boxes[i]!, score: 0.9, pitch: page.pitch });
const texts = (lines: LaidLine[]) => lines.map((l) => l.text);

describe('rules of = written again from their cells', () => {
  it('adds a heading underline the detector did not box', () => {
    for (const page of pages) {
      const read = [0, 2, 4, 5, 6].map((i) => line(page, i));
      const out = readEqualsRows(page.rgb, read);
      expect(texts(out)).toContain(LINES[1]);
      const added = out.find((l) => l.text === LINES[1])!;
      // On the heading's own grid, between the heading and the next line.
      expect(Math.abs(added.box[0] - page.left)).toBeLessThan(page.pitch / 2);
      expect(added.box[1]).toBeGreaterThan(page.boxes[0]![1]);
      expect(added.box[3]).toBeLessThan(page.boxes[2]![3]);
    }
  });

  it('writes a dpkg header rule read as spaced marks, its crosses and dashes included', () => {
    for (const page of pages) {
      const read = [0, 1, 2, 4, 5, 6].map((i) => line(page, i)).concat(line(page, 3, 't++ - = - = - == - ==='));
      const out = texts(readEqualsRows(page.rgb, read));
      expect(out).toContain(LINES[3]);
      expect(out).not.toContain('t++ - = - = - == - ===');
    }
  });

  it('leaves a comment banner whose box holds more than the rule, and lines of text, as read', () => {
    for (const page of pages) {
      const read = LINES.map((_, i) => line(page, i)).filter((_, i) => i !== 3);
      const out = texts(readEqualsRows(page.rgb, read));
      expect(out).toContain('# ======================');
      expect(out).toContain('Desired=Unknown/Install');
      expect(out.filter((t) => t === LINES[1])).toHaveLength(1);
    }
  });
});
