import { describe, expect, it } from 'vitest';
import { layoutText, type LaidLine } from './layout';

// 12 px UI text: 8 px a character, rows 18 px apart, cells boxed apart by the detector.
const cell = (text: string, x0: number, row: number): LaidLine => ({ text, box: [x0, 10 + row * 18, x0 + text.length * 8, 24 + row * 18], score: 0.9 });

describe('aligned listings are text, not Markdown tables', () => {
  it('reads a --help option | description listing as lines', () => {
    const rows = [
      ['-j FIELD', 'equivalent to -1 FIELD -2 FIELD'],
      ['-o FORMAT', 'obey FORMAT while constructing output line'],
      ['-1 FIELD', 'join on this FIELD of file 1'],
    ];
    const text = layoutText(rows.flatMap(([a, b], r) => [cell(a!, 10, r), cell(b!, 200, r)])).text;
    expect(text).not.toContain('|');
    expect(text.split('\n').map((l) => l.split(/\s+/).join(' '))).toEqual(rows.map((r) => r.join(' ')));
  });

  it('reads rows whose description wraps onto a row of its own at the description column as lines', () => {
    const lines = [cell('COMMAND', 10, 0), cell('what the command does on this page', 200, 0), cell('SUBCOMMAND', 10, 1), cell('another thing that it can do and', 200, 1), cell('more of that description', 200, 2)];
    const text = layoutText(lines).text;
    expect(text).not.toContain('|');
    expect(text.split('\n')).toHaveLength(3);
  });

  it('keeps a grid of cells with no wrapped row as a Markdown table', () => {
    const rows = [
      ['Name', 'Version'],
      ['zod', '3.23.8'],
      ['sharp', '0.35.0'],
    ];
    const lines = [...rows.flatMap(([a, b], r) => [cell(a!, 10, r), cell(b!, 200, r)]), cell('A paragraph under the table at the left edge', 10, 4)];
    expect(layoutText(lines).text.split('\n').slice(0, 2)).toEqual(['| Name | Version |', '| --- | --- |']);
  });

  it('keeps a column of negative numbers as a table', () => {
    const rows = [
      ['-1.5', 'low'],
      ['-2.0', 'lower'],
    ];
    expect(layoutText(rows.flatMap(([a, b], r) => [cell(a!, 10, r), cell(b!, 200, r)])).text).toContain('| --- | --- |');
  });
});

describe('an option listing set as list items', () => {
  const rows = [
    ['-   -p, --purge', '从组中移除所有成员'],
    ['-   -q, --quiet', '安静模式'],
  ];
  it('reads bullet + option | description rows as lines, the bullet in the option\'s cell or alone in its own', () => {
    const joined = layoutText(rows.flatMap(([a, b], r) => [cell(a!, 10, r), cell(b!, 200, r)])).text;
    expect(joined).not.toContain('|');
    const apart = layoutText(rows.flatMap(([a, b], r) => [cell('-', 10, r), cell(a!.slice(4), 42, r), cell(b!, 200, r)])).text;
    expect(apart).not.toContain('|');
    expect(apart.split('\n')).toHaveLength(2);
  });

  it('keeps bulleted rows that are no options as a table', () => {
    const grid = [
      ['- zod', '3.23.8'],
      ['- sharp', '0.35.0'],
    ];
    expect(layoutText(grid.flatMap(([a, b], r) => [cell(a!, 10, r), cell(b!, 200, r)])).text).toContain('| --- | --- |');
  });
});
