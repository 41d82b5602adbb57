import { describe, expect, it } from 'vitest';
import { layoutText, type LaidLine } from './layout';

const line = (text: string, x0: number, y0: number, x1: number, h = 20): LaidLine => ({ text, box: [x0, y0, x1, y0 + h], score: 0.9 });

describe('layout', () => {
  it('orders lines top to bottom and keeps single line breaks inside a paragraph', () => {
    const out = layoutText([line('second line', 10, 40, 300), line('first line', 10, 10, 300)]);
    expect(out.text).toBe('first line\nsecond line');
    expect(out.lines.map((l) => l.text)).toEqual(['first line', 'second line']);
  });

  it('separates paragraphs with a blank line where the gap is larger than the line spacing', () => {
    const out = layoutText([line('para one a', 10, 10, 300), line('para one b', 10, 34, 300), line('para two', 10, 90, 300)]);
    expect(out.text).toBe('para one a\npara one b\n\npara two');
  });

  it('keeps evenly spaced lines together however loose the leading (no blank line between them)', () => {
    const lines = ['Price: 1,299.00', 'Updated 2024-11-30', 'Email: a@example.cn'].map((t, i) => line(t, 10, 10 + i * 44, 300));
    expect(layoutText(lines).text).toBe('Price: 1,299.00\nUpdated 2024-11-30\nEmail: a@example.cn');
  });

  it('turns boxes that form a grid into a Markdown table', () => {
    const rows = [
      ['Item', 'Qty', 'Price'],
      ['Apple', '3', '1.20'],
      ['Banana', '12', '0.50'],
    ];
    const lines = rows.flatMap((cells, r) => cells.map((c, k) => line(c, 20 + k * 200, 10 + r * 28, 20 + k * 200 + c.length * 10)));
    expect(layoutText(lines).text).toBe('| Item | Qty | Price |\n| --- | --- | --- |\n| Apple | 3 | 1.20 |\n| Banana | 12 | 0.50 |');
  });

  it('does not mistake large type split at word spaces for a table', () => {
    // 80 px text: the detector boxes each word; gaps are word spaces (~0.3 line height).
    const big = (text: string, x0: number, y0: number) => line(text, x0, y0, x0 + text.length * 40, 80);
    const lines = [big('Invoice', 60, 40), big('2048', 360, 40), big('Total', 60, 160), big('due', 285, 160), big('315', 430, 160), big('EUR', 575, 160)];
    expect(layoutText(lines).text).toBe('Invoice 2048\nTotal due 315 EUR');
  });

  it('reads two text columns one after the other', () => {
    const left = Array.from({ length: 4 }, (_, i) => line(`left column line number ${i}`, 10, 10 + i * 26, 400));
    const right = Array.from({ length: 4 }, (_, i) => line(`right column line number ${i}`, 500, 10 + i * 26, 890));
    const out = layoutText([...right, ...left]);
    expect(out.text.split('\n').filter(Boolean)).toEqual([...left, ...right].map((l) => l.text));
  });

  it('reads a selection of two lines in each of two text columns as columns, not a table', () => {
    const left = [line('Left column starts here and', 20, 24, 290), line('continues on this line.', 20, 50, 250)];
    const right = [line('Right column is separate', 430, 24, 670), line('and should follow after.', 430, 50, 665)];
    expect(layoutText([...left, ...right]).text).toBe('Left column starts here and\ncontinues on this line.\n\nRight column is separate\nand should follow after.');
  });

  it('keeps code indentation from the x offset', () => {
    // 10 px per character: "def f():" is 8 chars over 80 px.
    const out = layoutText([line('def f():', 10, 10, 90), line('return 1', 50, 34, 130), line('x = f()', 10, 58, 80)]);
    expect(out.text).toBe('def f():\n    return 1\nx = f()');
  });

  it('lays monospace rows on their character grid from the run’s own left edge, line numbers and all', () => {
    // 10 px pitch; the code block starts 40 px right of the page text (its padding is not indentation).
    const mono = (text: string, x0: number, y0: number, pitch = 10): LaidLine => ({ ...line(text, x0, y0, x0 + text.length * 10), ...(pitch ? { pitch } : {}) });
    const lines = [
      { ...line('Some prose above the code block here', 10, 10, 400), proportional: true },
      mono('12', 50, 40, 0),
      mono('if (ready) {', 90, 40),
      mono('13', 50, 64, 0),
      mono('return go();', 130, 64),
      mono('14', 50, 88, 0),
      mono('}', 90, 88, 0),
    ];
    const out = layoutText(lines);
    expect(out.text).toBe('Some prose above the code block here\n12  if (ready) {\n13      return go();\n14  }');
    expect(out.blocks).toEqual([{ kind: 'code', firstLine: 1, lastLine: 3 }]);
    expect(out.lines[1]).not.toHaveProperty('pitch');
  });

  it('returns nothing for no lines', () => {
    expect(layoutText([])).toEqual({ text: '', lines: [], blocks: [] });
  });
});
