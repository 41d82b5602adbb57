import type { OcrBlock, OcrLine } from '@loupe/shared';
import { codeBlock, TABLE_RULE } from './code-blocks';
import { isAlignedListing } from './aligned-listing';
import { isBulleted, proseIndent, proseSpaceWidth } from './prose-indent';

/**
 * Reading order and layout from line boxes: rows (boxes side by side), columns
 * (a gutter that splits a tall block), tables (rows whose cells line up, emitted as
 * Markdown), paragraphs (a blank line where the vertical gap is larger than the line
 * spacing) and indentation (leading spaces from the x offset, for code).
 */
export interface LaidLine extends OcrLine {
  /** Monospace character pitch in image pixels (see spacing.monospacePitch); absent for proportional or short lines. */
  pitch?: number;
  /** Long enough to tell, and not monospace. */
  proportional?: boolean;
  /** Its own ink has no period at the page's pitch (line-period.ts): kept off the page's character grid. */
  offGrid?: boolean;
}

interface Row {
  cells: LaidLine[];
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

const height = (l: LaidLine) => l.box[3] - l.box[1];

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** Groups boxes whose vertical extents overlap by at least half the smaller one. */
export function groupRows(lines: readonly LaidLine[]): Row[] {
  const sorted = [...lines].sort((a, b) => (a.box[1] + a.box[3]) / 2 - (b.box[1] + b.box[3]) / 2);
  const rows: Row[] = [];
  for (const line of sorted) {
    const row = rows.find((r) => {
      const overlap = Math.min(r.y1, line.box[3]) - Math.max(r.y0, line.box[1]);
      return overlap >= 0.5 * Math.min(r.y1 - r.y0, height(line));
    });
    if (row) {
      row.cells.push(line);
      row.y0 = Math.min(row.y0, line.box[1]);
      row.y1 = Math.max(row.y1, line.box[3]);
      row.x0 = Math.min(row.x0, line.box[0]);
      row.x1 = Math.max(row.x1, line.box[2]);
    } else {
      rows.push({ cells: [line], y0: line.box[1], y1: line.box[3], x0: line.box[0], x1: line.box[2] });
    }
  }
  for (const r of rows) r.cells.sort((a, b) => a.box[0] - b.box[0]);
  return rows.sort((a, b) => a.y0 - b.y0);
}

/** A vertical gutter: an x range no box crosses, with boxes on both sides. */
function findGutter(lines: readonly LaidLine[], minWidth: number): number | undefined {
  const spans = lines.map((l) => [l.box[0], l.box[2]] as const).sort((a, b) => a[0] - b[0]);
  let reach = spans[0]![1];
  let best: { at: number; width: number } | undefined;
  for (const [x0, x1] of spans.slice(1)) {
    if (x0 - reach >= minWidth && (!best || x0 - reach > best.width)) best = { at: (x0 + reach) / 2, width: x0 - reach };
    reach = Math.max(reach, x1);
  }
  return best?.at;
}

/** Splits into column blocks when a gutter separates two tall blocks of running text. */
function splitColumns(lines: readonly LaidLine[], lineH: number): LaidLine[][] {
  if (lines.length < 4) return [lines.slice()];
  const at = findGutter(lines, 1.5 * lineH);
  if (at === undefined) return [lines.slice()];
  const left = lines.filter((l) => l.box[2] <= at);
  const right = lines.filter((l) => l.box[0] >= at);
  const leftRows = groupRows(left).length;
  const rightRows = groupRows(right).length;
  // A table also has gutters; running-text columns have their lines wide (a selection may hold
  // only two lines of each).
  const wide = (ls: LaidLine[]) => median(ls.map((l) => l.box[2] - l.box[0])) > 8 * lineH;
  if (leftRows >= 2 && rightRows >= 2 && wide(left) && wide(right)) {
    return [...splitColumns(left, lineH), ...splitColumns(right, lineH)];
  }
  return [lines.slice()];
}

/** Column anchors of a table: each cell's left edge snapped to a shared set. */
function tableColumns(rows: Row[], tolerance: number, lineH: number): number[] | undefined {
  // Monospace cells are terminal or code text (kept on their grid), and a column of bare
  // numbers first is an editor's line-number gutter: neither is a Markdown table.
  if (rows.some((r) => r.cells.some((c) => c.pitch !== undefined)) || rows.every((r) => /^\d+$/.test(r.cells[0]!.text))) return undefined;
  const counts = rows.map((r) => r.cells.length);
  const n = Math.max(...counts);
  if (n < 2 || counts.some((c) => c < 2)) return undefined;
  // Cells are separated by column gutters; boxes a word space apart are one line of text
  // the detector happened to split (large type), not a grid.
  const gaps = rows.flatMap((r) => r.cells.slice(1).map((c, k) => c.box[0] - r.cells[k]!.box[2]));
  if (Math.min(...gaps) < lineH) return undefined;
  const anchors: number[] = [];
  for (const r of rows) {
    for (const c of r.cells) {
      if (!anchors.some((a) => Math.abs(a - c.box[0]) <= tolerance)) anchors.push(c.box[0]);
    }
  }
  anchors.sort((a, b) => a - b);
  // Every row's cells must land on anchors, one in each: too many anchors, or rows with empty
  // cells, mean aligned text (a man page's columns), not a grid.
  if (anchors.length > n + 1 || rows.some((r) => r.cells.length < anchors.length)) return undefined;
  return anchors;
}

function markdownTable(rows: Row[], anchors: number[], tolerance: number): string[] {
  const cols = anchors.length;
  const grid = rows.map((r) => {
    const cells = new Array<string>(cols).fill('');
    for (const c of r.cells) {
      let k = anchors.findIndex((a) => Math.abs(a - c.box[0]) <= tolerance);
      if (k < 0) k = 0;
      cells[k] = cells[k] ? `${cells[k]} ${c.text}` : c.text;
    }
    return cells.map((t) => t.replace(/\|/g, '\\|'));
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(grid[0]!), line(new Array<string>(cols).fill('---')), ...grid.slice(1).map(line)];
}

/** A blank line before a row: a gap of most of a line height, and clearly more than the block's usual one. */
function isParagraphGap(gap: number, rowH: number, lineGap: number | undefined): boolean {
  return gap > 0.8 * rowH && (lineGap === undefined || gap > 1.5 * lineGap + 0.2 * rowH);
}

function rowText(row: Row, lineH: number): string {
  let text = '';
  let prevX1: number | undefined;
  for (const c of row.cells) {
    if (prevX1 !== undefined) {
      // Wide gaps inside a row (aligned fields) keep a visible separation.
      text += c.box[0] - prevX1 > 3 * lineH ? '   ' : ' ';
    }
    text += c.text;
    prevX1 = c.box[2];
  }
  return text;
}

function charWidth(lines: readonly LaidLine[]): number {
  const widths = lines.filter((l) => l.text.length >= 4).map((l) => (l.box[2] - l.box[0]) / [...l.text].length);
  return median(widths);
}

/** The row's monospace pitch: its cells that can tell agree on one and none is proportional. */
function rowPitch(row: Row): number | undefined {
  if (row.cells.some((c) => c.proportional)) return undefined;
  const pitches = row.cells.flatMap((c) => (c.pitch ? [c.pitch] : []));
  if (!pitches.length) return undefined;
  const p = median(pitches);
  return pitches.every((q) => Math.abs(q - p) <= 0.12 * p) ? p : undefined;
}

/**
 * Monospace runs: consecutive rows on one character grid (terminal output, code, ASCII tables).
 * Short rows that cannot tell ("}", a line number) join the run around them.
 * Returns [first, last] row index pairs and each run's pitch.
 */
function monospaceRuns(rows: Row[]): Array<{ from: number; to: number; pitch: number }> {
  const pitches = rows.map(rowPitch);
  const runs: Array<{ from: number; to: number; pitch: number }> = [];
  let i = 0;
  while (i < rows.length) {
    if (pitches[i] === undefined) {
      i++;
      continue;
    }
    let j = i;
    const members = [pitches[i]!];
    for (let k = i + 1; k < rows.length; k++) {
      const p = pitches[k];
      const p0 = median(members);
      if (p !== undefined && Math.abs(p - p0) <= 0.12 * p0) {
        members.push(p);
        j = k;
      } else if (p !== undefined || rows[k]!.cells.some((c) => c.proportional)) break;
      // A short row after the run ("}") belongs to it.
      else j = k;
    }
    // Short rows at the run's start belong to it too.
    let from = i;
    while (from > 0 && pitches[from - 1] === undefined && !rows[from - 1]!.cells.some((c) => c.proportional) && (runs.length === 0 || runs[runs.length - 1]!.to < from - 1)) from--;
    if (members.length >= 2) runs.push({ from, to: j, pitch: median(members) });
    i = j + 1;
  }
  return runs;
}

/** A monospace row on its grid: each cell at its column (at least one space after the previous cell). */
function gridRow(row: Row, left: number, pitch: number): string {
  let text = '';
  for (const c of row.cells) {
    const col = Math.max(0, Math.round((c.box[0] - left) / pitch));
    text += col > text.length ? ' '.repeat(col - text.length) : text ? ' ' : '';
    text += c.text;
  }
  return text;
}

function layoutBlock(lines: LaidLine[], lineH: number, out: string[], order: LaidLine[], blocks: OcrBlock[]): void {
  const rows = groupRows(lines);
  const runs = monospaceRuns(rows);
  const left = Math.min(...rows.map((r) => r.x0));
  const cw = charWidth(lines) || lineH / 2;
  const spaceWidth = proseSpaceWidth(lines);
  const bulletRows = rows.filter((r) => isBulleted(r.cells[0]!.text));
  const bulletOffset = bulletRows.length ? Math.min(...bulletRows.map((r) => r.x0)) - left : undefined;
  const tolerance = Math.max(lineH, 2 * cw);
  // Evenly spaced lines are one block however loose their leading; a paragraph gap stands out.
  // The lower quartile of the gaps is the block's line gap (paragraph gaps are the larger ones).
  const gaps = rows.slice(1).map((r, k) => Math.max(0, r.y0 - rows[k]!.y1)).sort((a, b) => a - b);
  const lineGap = gaps.length >= 2 ? gaps[(gaps.length - 1) >> 2] : undefined;
  let prev: Row | undefined;
  let i = 0;
  const blank = (row: Row) => {
    if (prev && isParagraphGap(row.y0 - prev.y1, Math.min(lineH, row.y1 - row.y0), lineGap) && out.length && out[out.length - 1] !== '') out.push('');
  };
  while (i < rows.length) {
    const run = runs.find((r) => r.from === i);
    if (run) {
      const runRows = rows.slice(run.from, run.to + 1);
      // Indentation counts from the run's own left edge: a code block's padding is not indentation.
      const runLeft = Math.min(...runRows.map((r) => r.x0));
      const texts: string[] = [];
      // A drawn table's rows are spaced by its rules, not by paragraphs.
      const ruled = runRows.some((r) => r.cells.some((c) => TABLE_RULE.test(c.text)));
      for (const row of runRows) {
        const before = out.length;
        if (!ruled) blank(row);
        if (out.length > before) texts.push('');
        texts.push(gridRow(row, runLeft, run.pitch));
        out.push(texts[texts.length - 1]!);
        order.push(...row.cells);
        prev = row;
      }
      blocks.push(codeBlock(texts, out.length - texts.length));
      i = run.to + 1;
      continue;
    }
    // Tables: a run of ≥ 2 rows with ≥ 2 cells on a shared set of column anchors.
    let j = i;
    while (j < rows.length && rows[j]!.cells.length >= 2 && (j === i || rows[j]!.y0 - rows[j - 1]!.y1 < 2 * lineH)) j++;
    const found = j - i >= 2 ? tableColumns(rows.slice(i, j), tolerance, lineH) : undefined;
    const anchors = found && !isAlignedListing(rows, i, j, found, tolerance, lineH) ? found : undefined;
    const row = rows[i]!;
    blank(row);
    if (anchors) {
      const table = rows.slice(i, j);
      const md = markdownTable(table, anchors, tolerance);
      blocks.push({ kind: 'table', firstLine: out.length, lastLine: out.length + md.length - 1 });
      out.push(...md);
      for (const r of table) order.push(...r.cells);
      prev = table[table.length - 1];
      i = j;
      continue;
    }
    const text = rowText(row, lineH);
    const indent = spaceWidth ? proseIndent(text, row.x0 - left, bulletOffset, spaceWidth) : Math.round((row.x0 - left) / cw);
    out.push((indent >= 2 ? ' '.repeat(indent) : '') + text);
    order.push(...row.cells);
    prev = row;
    i++;
  }
}

export interface LaidText {
  text: string;
  lines: OcrLine[];
  /** Code and table blocks, by line of `text`; the rest is prose. */
  blocks: OcrBlock[];
}

export function layoutText(lines: readonly LaidLine[]): LaidText {
  if (lines.length === 0) return { text: '', lines: [], blocks: [] };
  const lineH = median(lines.map(height));
  const out: string[] = [];
  const order: LaidLine[] = [];
  const blocks: OcrBlock[] = [];
  for (const block of splitColumns(lines, lineH)) {
    if (out.length && out[out.length - 1] !== '') out.push('');
    layoutBlock(block, lineH, out, order, blocks);
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  const kept = blocks.filter((b) => b.firstLine < out.length).map((b) => ({ ...b, lastLine: Math.min(b.lastLine, out.length - 1) }));
  return { text: out.join('\n'), lines: order.map(({ text, box, score }) => ({ text, box, score })), blocks: kept };
}
