import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '@loupe/shared';
import { OcrPipeline } from './pipeline';
import { renderSvgs, textSvg } from './test-render';

let pipeline: OcrPipeline;
let caption: Buffer, invoice: Buffer, table: Buffer, paragraphs: Buffer, dark: Buffer, tiny: Buffer, longPage: Buffer, large: Buffer, code: Buffer, digits: Buffer, drawnTable: Buffer;

/** `ls -l` as a box-drawn table: cells too short for the recogniser to time a monospace grid. */
const DRAWN = ['┌────────────┬────┬──────┬──────┐', '│ drwxr-xr-x │ 80 │ root │ 4096 │', '├────────────┼────┼──────┼──────┤', '│ -rw-r--r-- │ 1  │ root │ 782  │', '│ drwxr-xr-x │ 2  │ root │ 4096 │', '└────────────┴────┴──────┴──────┘'];

const CODE = ['function total(items) {', '  let sum = 0;', '  for (const it of items) {', '    sum += it.price * it.qty;', '  }', '  return sum;', '}'];

beforeAll(async () => {
  [caption, invoice, table, paragraphs, dark, tiny, longPage, large, code, digits, drawnTable] = renderSvgs([
    // Two short lines of large proportional text with tabular digits (the e2e's <img> at DPR 2): not a terminal.
    textSvg(840, 300, [
      { text: 'Invoice 2048', x: 64, y: 112, size: 80 },
      { text: 'Total due 315 EUR', x: 64, y: 206, size: 80 },
    ]),
    textSvg(640, 140, [
      { text: 'Invoice No. FP2024', x: 40, y: 50, size: 22 },
      { text: 'Total amount due: 1,250.00 USD', x: 40, y: 84, size: 22 },
    ]),
    textSvg(700, 180, [
      ...['Item', 'Qty', 'Price'].map((t, k) => ({ text: t, x: 40 + k * 220, y: 50, size: 20 })),
      ...['Apple', '3', '1.20'].map((t, k) => ({ text: t, x: 40 + k * 220, y: 95, size: 20 })),
      ...['Banana', '12', '0.50'].map((t, k) => ({ text: t, x: 40 + k * 220, y: 140, size: 20 })),
    ]),
    textSvg(760, 260, [
      { text: 'The quick brown fox jumps over', x: 30, y: 40 },
      { text: 'the lazy dog near the river bank.', x: 30, y: 66 },
      { text: 'A second paragraph starts here.', x: 30, y: 140 },
      { text: 'It has two lines of plain text.', x: 30, y: 166 },
    ]),
    textSvg(600, 100, [{ text: 'Dark mode works too', x: 30, y: 60, size: 24, fill: '#e8e8e8' }], '#1e1f24'),
    textSvg(110, 26, [{ text: 'Hello', x: 6, y: 19, size: 16 }]),
    textSvg(900, 5200, [
      { text: 'Top of a very long page', x: 40, y: 60, size: 22 },
      { text: 'Bottom of a very long page', x: 40, y: 5150, size: 22 },
    ]),
    // Large text the detector splits into two overlapping boxes (a DPR-2 crop of 40 px text).
    textSvg(1120, 240, [{ text: 'Framed receipt 19', x: 40, y: 144, size: 80 }]),
    textSvg(600, 220, CODE.map((text, k) => ({ text, x: 20, y: 30 + k * 25, size: 16, family: 'DejaVu Sans Mono' }))),
    textSvg(500, 170, [['Item', 'Qty', 'Price'], ['Coffee beans', '2', '18.50'], ['Oat milk', '1', '3.20']].flatMap((row, i) => row.map((text, j) => ({ text, x: 20 + j * 170, y: 35 + i * 35 })))),
    textSvg(420, 170, DRAWN.map((text, k) => ({ text, x: 12, y: 26 + k * 22, size: 16, family: 'DejaVu Sans Mono', fill: '#586e75' })), '#fdf6e3'),
  ]) as [Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer, Buffer];
  pipeline = await OcrPipeline.load();
}, 120_000);

afterAll(async () => {
  await pipeline?.release();
});

describe('PP-OCR pipeline on rendered text', () => {
  it('reads large text once, not the glyphs where two detection boxes overlap twice', async () => {
    const out = await pipeline.recognizeBytes(large);
    expect(out.text).toBe('Framed receipt 19');
    expect(out.lines).toHaveLength(1);
  });

  it('rebuilds a box-drawn table from its pixels: every rule and bar, cells on the grid', async () => {
    const out = await pipeline.recognizeBytes(drawnTable);
    expect(out.text.split('\n')).toEqual(DRAWN);
    expect(out.blocks).toEqual([{ kind: 'table', firstLine: 0, lastLine: DRAWN.length - 1 }]);
  });

  it("takes a page's own border round proportional text (a card, a framed selection) for no drawn table", async () => {
    // The e2e's region at DPR 2: a 1 px CSS border (2 device pixels) round two lines of 28 px sans.
    for (const scale of [1, 2]) {
      const svg = textSvg(520 * scale, 120 * scale, [
        { text: 'Quarterly report', x: 28 * scale, y: 50 * scale, size: 28 * scale },
        { text: 'Revenue grew by 12 percent', x: 28 * scale, y: 92 * scale, size: 28 * scale },
      ]).replace('</svg>', `<rect x="${4 * scale}" y="${4 * scale}" width="${512 * scale}" height="${112 * scale}" fill="none" stroke="#dddddd" stroke-width="${scale}"/></svg>`);
      const out = await pipeline.recognizeBytes(renderSvgs([svg])[0]!);
      expect(out.text).toBe('Quarterly report\nRevenue grew by 12 percent');
      expect(out.blocks.filter((b) => b.kind === 'table')).toEqual([]);
    }
  });

  it('does not put two short lines of proportional text on a terminal grid', async () => {
    const out = await pipeline.recognizeBytes(caption);
    expect(out.text).toBe('Invoice 2048\nTotal due 315 EUR');
    expect(out.blocks ?? []).toEqual([]);
  });

  it('reads English lines and keeps the spaces between words', async () => {
    const out = await pipeline.recognizeBytes(invoice);
    expect(out.text).toBe('Invoice No. FP2024\nTotal amount due: 1,250.00 USD');
    expect(out.lines).toHaveLength(2);
    for (const l of out.lines) expect(l.score).toBeGreaterThan(0.8);
  });

  it('returns boxes in image pixels around the text', async () => {
    const out = await pipeline.recognizeBytes(invoice);
    const [x0, y0, x1, y1] = out.lines[0]!.box;
    // "Invoice No. FP2024" at x=40, baseline 50, 22 px font.
    expect(x0).toBeGreaterThan(25);
    expect(x0).toBeLessThan(45);
    expect(y0).toBeGreaterThan(25);
    expect(y1).toBeLessThan(65);
    expect(x1).toBeGreaterThan(200);
    expect(x1).toBeLessThan(280);
  });

  it('maps boxes of a region back to the original image pixels', async () => {
    const full = await pipeline.recognizeBytes(invoice);
    const region = await pipeline.recognizeBytes(invoice, { x: 20, y: 62, width: 500, height: 40 });
    expect(region.text).toBe('Total amount due: 1,250.00 USD');
    const a = full.lines[1]!.box;
    const b = region.lines[0]!.box;
    for (let i = 0; i < 4; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(4);
  });

  it('emits a Markdown table when the boxes form a grid', async () => {
    const out = await pipeline.recognizeBytes(table);
    expect(out.text).toBe('| Item | Qty | Price |\n| --- | --- | --- |\n| Apple | 3 | 1.20 |\n| Banana | 12 | 0.50 |');
  });

  it('reads a rendered list of inline-code pills as prose, not on a terminal grid its pills line up to', async () => {
    const page = await readFile(new URL('../../../../test/fixtures/ocr-units/gh-md-pill-list.png', import.meta.url));
    const lines = (await pipeline.recognizeBytes(page)).text.split('\n');
    expect(lines).toContain('• Reads config from the nearest package.json file');
    expect(lines).toContain('• Extends configurations from multiple local or git');
  });

  it('reads monospace code: indentation, no space inside words, ASCII brackets, a lone closing brace', async () => {
    // Monospace letters leave gaps a proportional font keeps for words ("retu rn"); the recogniser's
    // Chinese dictionary offers full-width brackets ("for （const"); a lone "}" fills the whole input.
    expect((await pipeline.recognizeBytes(code)).text).toBe(CODE.join('\n'));
  });

  it('reads single-digit table cells as ASCII digits', async () => {
    expect((await pipeline.recognizeBytes(digits)).text).toBe('| Item | Qty | Price |\n| --- | --- | --- |\n| Coffee beans | 2 | 18.50 |\n| Oat milk | 1 | 3.20 |');
  });

  it('rebuilds paragraphs: line breaks inside, a blank line between', async () => {
    const out = await pipeline.recognizeBytes(paragraphs);
    expect(out.text).toBe('The quick brown fox jumps over\nthe lazy dog near the river bank.\n\nA second paragraph starts here.\nIt has two lines of plain text.');
  });

  it('reads light text on a dark background', async () => {
    expect((await pipeline.recognizeBytes(dark)).text).toBe('Dark mode works too');
  });

  it('reads a tiny crop of one word', async () => {
    expect((await pipeline.recognizeBytes(tiny)).text).toBe('Hello');
  });

  it('reads the top and bottom of a very long page (tiled detection)', async () => {
    const out = await pipeline.recognizeBytes(longPage);
    expect(out.text).toBe('Top of a very long page\n\nBottom of a very long page');
    expect(out.lines[1]!.box[1]).toBeGreaterThan(5100);
  });

  it('returns empty text for a blank image', async () => {
    const out = await pipeline.recognizeBytes(tiny, { x: 100, y: 0, width: 10, height: 26 });
    expect(out).toMatchObject({ text: '', lines: [] });
  });

  it('rejects bad input with a clear error', async () => {
    const code = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof ProtocolError ? e.code : String(e)));
    expect(await code(pipeline.recognizeBytes(new Uint8Array([1, 2, 3, 4])))).toBe('unsupported_image');
    expect(await code(pipeline.recognizeBytes(invoice.subarray(0, 200)))).toBe('unsupported_image');
    expect(await code(pipeline.recognizeBytes(invoice, { x: 5000, y: 0, width: 10, height: 10 }))).toBe('bad_request');
  });

  it('stops when the job is cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(pipeline.recognizeBytes(invoice, undefined, controller.signal)).rejects.toThrow(/abort/i);
    const late = new AbortController();
    const run = pipeline.recognizeBytes(longPage, undefined, late.signal);
    setTimeout(() => late.abort(), 5);
    await expect(run).rejects.toThrow(/abort/i);
  });
});
