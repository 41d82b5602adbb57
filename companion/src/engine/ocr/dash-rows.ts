import { inkTest, type InkTest } from './char-grid';
import type { LaidLine } from './layout';
import { monoMetrics } from './mono-metrics';
import type { Rgb } from './raster';

/**
 * A raw Markdown table's separator row (`|---------|------|`) or a rule of hyphens on a
 * character grid, which the recogniser reads as spaced dashes (`— — — — -  |`): one word per
 * dash. Such a line (only dashes, bars and spaces, on a monospace grid: its own pitch or, as
 * dashes alone seldom show one, that of the page's lines) is written again from
 * its pixels, a character per cell: a bar where ink runs down most of the line in a narrow
 * column, a hyphen where a thin stroke crosses the middle, a blank where there is no ink.
 */
export const DASH_ROW = {
  /** What such a line may have been read as. */
  readings: /^[\s|丨1lI]*[—–-](?:\s*[—–|丨-]){2,}[\s|丨1lI]*$/,
} as const;

export function readDashRows(img: Rgb, lines: readonly LaidLine[]): LaidLine[] {
  let ink: InkTest | undefined;
  // Dashes alone seldom show their own pitch, and their box is a thin strip: the page's
  // monospace lines tell the pitch and the line's height (the bars reach up and down it).
  const metrics = monoMetrics(lines);
  return joinRowPieces(lines).map((l) => {
    if (!DASH_ROW.readings.test(l.text) || !metrics) return l;
    const { lineH } = metrics;
    const h = l.box[3] - l.box[1];
    if (h > 1.3 * lineH) return l;
    const pitch = l.pitch ?? metrics.pitch;
    const mid = (l.box[1] + l.box[3]) / 2;
    const band: LaidLine = h >= lineH ? l : { ...l, box: [l.box[0], mid - lineH / 2, l.box[2], mid + lineH / 2] };
    ink ??= inkTest(img);
    const row = dashRow(img, ink, band, pitch);
    return row ? { ...row, box: [row.box[0], l.box[1], row.box[2], l.box[3]] } : l;
  });
}

/** Dash-row pieces side by side on one row (the detector cuts a long one) made one line. */
function joinRowPieces(lines: readonly LaidLine[]): LaidLine[] {
  const out: LaidLine[] = [];
  const dashy = [...lines].filter((l) => DASH_ROW.readings.test(l.text) || /^[—–-]+$/.test(l.text)).sort((a, b) => a.box[0] - b.box[0]);
  const used = new Set<LaidLine>();
  for (const l of dashy) {
    if (used.has(l)) continue;
    let cur = l;
    for (const m of dashy) {
      if (used.has(m) || m === l || m.box[0] < cur.box[2] - 2) continue;
      const overlap = Math.min(cur.box[3], m.box[3]) - Math.max(cur.box[1], m.box[1]);
      if (overlap <= 0 || m.box[0] - cur.box[2] > 0.5 * (cur.box[3] - cur.box[1] + m.box[3] - m.box[1])) continue;
      used.add(m);
      cur = { ...cur, text: `${cur.text} ${m.text}`, box: [cur.box[0], Math.min(cur.box[1], m.box[1]), m.box[2], Math.max(cur.box[3], m.box[3])] };
    }
    used.add(l);
    out.push(cur);
  }
  return [...lines.filter((l) => !used.has(l)), ...out];
}

function dashRow(img: Rgb, ink: InkTest, line: LaidLine, pitch: number): LaidLine | undefined {
  // A cell past each end too: the row's first or last bar can lie outside the box (bars only there).
  const [inX0, inX1] = [Math.floor(line.box[0]), Math.ceil(line.box[2])];
  const [bx0, by0, bx1, by1] = [Math.max(0, Math.floor(inX0 - pitch)), Math.max(0, Math.floor(line.box[1])), Math.min(img.width, Math.ceil(inX1 + pitch)), Math.min(img.height, Math.ceil(line.box[3]))];
  const h = by1 - by0;
  // Per column: inked rows, their span.
  const cols: Array<{ n: number; span: number }> = [];
  for (let x = bx0; x < bx1; x++) {
    let n = 0, top = Infinity, bottom = -1;
    for (let y = by0; y < by1; y++) {
      if (!ink(x, y)) continue;
      n++;
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
    const span = n ? bottom - top + 1 : 0;
    cols.push(x >= inX0 && x < inX1 ? { n, span } : span >= 0.5 * h ? { n, span } : { n: 0, span: 0 });
  }
  // Outside the box only a whole bar counts: a bar's columns next to the box's edge.
  for (const [from, step] of [[inX0 - bx0 - 1, -1], [inX1 - bx0, 1]] as const) {
    let i = from;
    while (i >= 0 && i < cols.length && !cols[i]!.n) i += step;
    for (let j = i + step; j >= 0 && j < cols.length; j += step) if (cols[j]!.n && Math.abs(j - i) > 0.5 * pitch) cols[j] = { n: 0, span: 0 };
  }
  const inked = cols.map((c, i) => (c.n ? i : -1)).filter((i) => i >= 0);
  if (inked.length < 3) return undefined;
  const tall = (i: number) => cols[i]!.span >= 0.5 * h;
  // Bars: runs of tall columns, each narrower than half a cell.
  const bars: number[] = [];
  for (let i = 0; i < cols.length; i++) {
    if (!tall(i)) continue;
    let j = i;
    while (j + 1 < cols.length && tall(j + 1)) j++;
    if (j - i + 1 > 0.5 * pitch) return undefined;
    bars.push(bx0 + (i + j + 1) / 2);
    i = j;
  }
  // The rest of the ink is one thin stroke across the middle.
  if (cols.some((c, i) => c.n && !tall(i) && c.span > Math.max(3, 0.2 * h))) return undefined;
  // Cells: from the first ink (a bar's centre is its cell's middle; a dash fills its cell).
  const firstInk = bx0 + inked[0]!;
  const left = bars.length && bars[0]! - firstInk < pitch / 2 ? bars[0]! - pitch / 2 : firstInk - 0.5;
  const cells = Math.round((bx0 + inked[inked.length - 1]! + 1 - left) / pitch);
  const text: string[] = [];
  for (let k = 0; k < cells; k++) {
    const x0 = Math.round(left + k * pitch), x1 = Math.round(left + (k + 1) * pitch);
    const bar = bars.some((b) => b >= x0 && b < x1);
    let n = 0;
    for (let x = Math.max(bx0, x0); x < Math.min(bx1, x1); x++) if (cols[x - bx0]!.n) n++;
    text.push(bar ? '|' : n >= 0.3 * pitch ? '-' : ' ');
  }
  const out = text.join('').trimEnd();
  if (!/-/.test(out)) return undefined;
  return { ...line, text: out, box: [left, line.box[1], left + out.length * pitch, line.box[3]], pitch };
}
