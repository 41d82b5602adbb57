import { inkTest, type InkTest } from './char-grid';
import type { LaidLine } from './layout';
import { median } from './median';
import { monoMetrics } from './mono-metrics';
import type { Rgb } from './raster';
import { framedTables, rulesOf, type Rule } from './ruled-lines';

/**
 * Rules of `=` outside drawn tables: a raw Markdown heading's underline, the header rules of
 * `dpkg -l` (`+++-=====-====`) and of test runners. The detector boxes such a row as a thin strip
 * or not at all, and the recogniser reads spaced marks (`t++ - = - = - ==`) or nothing. Its two
 * strokes are found in the pixels (ruled-lines.ts); the row is written again a character per cell
 * — `=`, `-`, `+` or a blank — on the pitch its glyphs' gaps show, or the page's monospace pitch.
 */
export const EQUALS_ROW = {
  /** A gap between two glyphs is at most this share of a cell. */
  maxGap: 0.4,
  /** A stroke fills at least this share of its cell. */
  minStroke: 0.4,
  /** Every gap within this share of a cell of a cell edge, or the row is not on one pitch. */
  edgeSlack: 0.3,
} as const;

interface Cells {
  left: number;
  pitch: number;
}

export function readEqualsRows(img: Rgb, lines: readonly LaidLine[]): LaidLine[] {
  const rules = rulesOf(img);
  const doubles = rules.filter((r) => r.double);
  if (!doubles.length) return [...lines];
  const ink = inkTest(img);
  const tables = framedTables(img, ink, rules);
  const metrics = monoMetrics(lines);
  const lineH = metrics?.lineH ?? median(lines.map((l) => l.box[3] - l.box[1]));
  let out = [...lines];
  for (const rule of doubles) {
    if (tables.some((t) => rule.y0 >= t.y0 && rule.y1 <= t.y1 && rule.x0 < t.x1 && rule.x1 > t.x0)) continue;
    const row = equalsRow(img, ink, rule, metrics?.pitch, lineH);
    if (!row) continue;
    const cy = (rule.y0 + rule.y1) / 2;
    const [x0, x1] = [row.left, row.left + row.text.length * row.pitch];
    const inBand = out.filter((l) => l.box[1] < rule.y1 + 1 && l.box[3] > rule.y0 - 1 && l.box[0] < x1 && l.box[2] > x0);
    // A box reaching past the row's cells holds more than the rule (`# =====`): left as read.
    if (inBand.some((l) => Math.abs((l.box[1] + l.box[3]) / 2 - cy) > lineH / 2 || l.box[0] < x0 - 0.7 * row.pitch || l.box[2] > x1 + 0.7 * row.pitch)) continue;
    out = out.filter((l) => !inBand.includes(l));
    out.push({ text: row.text, box: [x0, cy - lineH / 2, x1, cy + lineH / 2], score: 1, pitch: row.pitch });
  }
  return out;
}

/** The rule's characters and cells, or undefined where a cell holds anything but `=`, `-`, `+` or a blank. */
export function equalsRow(img: Rgb, ink: InkTest, rule: Rule, pagePitch: number | undefined, lineH: number): { text: string; left: number; pitch: number } | undefined {
  const strokes = strokeRows(img, ink, rule);
  if (!strokes) return undefined;
  const cells = cellsOf(ink, rule, strokes, pagePitch, lineH);
  if (!cells) return undefined;
  const { left, pitch } = cells;
  const at = (k: number) => cellChar(img, ink, left + k * pitch, pitch, strokes);
  // The row's first and last cells can lie past the strokes' ends (`+` and `-` draw no stroke there).
  let first = 0;
  while (left + (first - 1) * pitch >= 0 && at(first - 1)?.trim()) first--;
  const text: string[] = [];
  for (let k = first; left + (k + 0.5) * pitch <= Math.min(img.width, rule.x1 + 1); k++) {
    const c = at(k);
    if (c === undefined) return undefined;
    text.push(c);
  }
  let k = first + text.length;
  for (let c = at(k); c?.trim() && left + (k + 1) * pitch <= img.width; c = at(++k)) text.push(c);
  const written = text.join('').trimEnd();
  return written.includes('==') ? { text: written, left: left + first * pitch, pitch } : undefined;
}

interface StrokeRows {
  top: [number, number];
  bottom: [number, number];
}

/** The two strokes' pixel rows: rows of the rule inked along most of it, split at the blank rows between. */
function strokeRows(img: Rgb, ink: InkTest, rule: Rule): StrokeRows | undefined {
  const full: number[] = [];
  for (let y = rule.y0; y <= rule.y1; y++) {
    let n = 0;
    for (let x = rule.x0; x <= rule.x1; x++) if (ink(x, y)) n++;
    if (n >= 0.4 * (rule.x1 - rule.x0 + 1)) full.push(y);
  }
  const split = full.findIndex((y, i) => i > 0 && y > full[i - 1]! + 1);
  if (split < 0 || img.height <= rule.y1) return undefined;
  return { top: [full[0]!, full[split - 1]!], bottom: [full[split]!, full[full.length - 1]!] };
}

/**
 * The cell grid: glyphs of `=` leave a pixel or two of blank at every cell edge where the
 * antialiasing allows, so the gaps' centres give the pitch to a hundredth of a pixel over a long
 * row; the page's monospace pitch tells which multiple. Unbroken strokes need the page's pitch.
 */
function cellsOf(ink: InkTest, rule: Rule, strokes: StrokeRows, pagePitch: number | undefined, lineH: number): Cells | undefined {
  const inked = (x: number) => {
    for (let y = strokes.top[0]; y <= strokes.bottom[1]; y++) if (ink(x, y)) return true;
    return false;
  };
  const gaps: number[] = [];
  for (let x = rule.x0 + 1; x < rule.x1; x++) {
    if (inked(x)) continue;
    let end = x;
    while (end + 1 < rule.x1 && !inked(end + 1)) end++;
    gaps.push((x + end) / 2);
    x = end;
  }
  const steps = gaps.slice(1).map((g, i) => g - gaps[i]!);
  const rough = pagePitch ?? (steps.length >= 2 ? median(steps.filter((d) => d <= 1.5 * Math.min(...steps))) : undefined);
  if (rough === undefined || rough < 0.3 * lineH || rough > 0.8 * lineH) return undefined;
  if (steps.some((d) => d < 0.6 * rough) || gaps.length < 2) {
    // Unbroken strokes (or blanks wider than a glyph's gap): on the page's pitch from the first ink.
    return pagePitch === undefined || gaps.length >= 2 ? undefined : { left: rule.x0 - 0.5, pitch: pagePitch };
  }
  // The pitch whose cell edges the gaps fit best: the gaps' phase agrees most (steps of a few thousandths).
  let best = { pitch: 0, phase: 0, strength: 0 };
  for (let p = 0.9 * rough; p <= 1.1 * rough; p += 0.001 * rough) {
    let [sin, cos] = [0, 0];
    for (const g of gaps) {
      sin += Math.sin((2 * Math.PI * g) / p);
      cos += Math.cos((2 * Math.PI * g) / p);
    }
    const strength = Math.hypot(sin, cos) / gaps.length;
    if (strength > best.strength) best = { pitch: p, phase: (((Math.atan2(sin, cos) / (2 * Math.PI)) * p) % p + p) % p, strength };
  }
  const { pitch, phase } = best;
  const offEdge = (g: number) => Math.abs((((g - phase) % pitch) + 1.5 * pitch) % pitch - pitch / 2);
  if (gaps.some((g) => offEdge(g) > EQUALS_ROW.edgeSlack * pitch)) return undefined;
  const left = phase + Math.floor((rule.x0 - phase) / pitch) * pitch;
  return { left, pitch };
}

/**
 * One cell's character from its ink about the strokes: two runs of inked rows between them (`=`),
 * one (`-`: it sits level with either stroke or between, as the size rounds), a stem past both
 * with an arm across (`+`); undefined for anything else (a letter, a digit).
 */
function cellChar(img: Rgb, ink: InkTest, x0: number, pitch: number, { top, bottom }: StrokeRows): string | undefined {
  const [c0, c1] = [Math.max(0, Math.round(x0)), Math.min(img.width, Math.round(x0 + pitch))];
  const reach = Math.max(2, bottom[1] - top[0] + 1);
  const inRow = (y: number) => {
    let n = 0;
    if (y >= 0 && y < img.height) for (let x = c0; x < c1; x++) if (ink(x, y)) n++;
    return n;
  };
  const widest = (y0: number, y1: number) => Math.max(0, ...Array.from({ length: y1 - y0 + 1 }, (_, k) => inRow(y0 + k)));
  const [above, below] = [widest(top[0] - reach, top[0] - 1), widest(bottom[1] + 1, bottom[1] + reach)];
  const full = EQUALS_ROW.minStroke * pitch;
  // Runs of inked rows between the strokes' outer edges, each with a row across most of the cell.
  const runs: Array<{ wide: boolean }> = [];
  let open = false;
  for (let y = top[0]; y <= bottom[1]; y++) {
    const n = inRow(y);
    if (!n) open = false;
    else if (!open) {
      runs.push({ wide: n >= full });
      open = true;
    } else runs[runs.length - 1]!.wide ||= n >= full;
  }
  if (!above && !below) {
    if (!runs.length) return ' ';
    if (!runs.every((r) => r.wide)) return undefined;
    return runs.length === 2 ? '=' : runs.length === 1 && !wholeHeight(inRow, top, bottom) ? '-' : undefined;
  }
  // A cross: a stem (a few columns) through the strokes' rows and past them, an arm across.
  const narrow = (n: number) => n > 0 && n <= EQUALS_ROW.maxGap * pitch;
  return narrow(above) && narrow(below) && runs.length === 1 && runs[0]!.wide ? '+' : undefined;
}

/** Ink in every row from the top stroke to the bottom one: a block, not a dash. */
function wholeHeight(inRow: (y: number) => number, top: [number, number], bottom: [number, number]): boolean {
  for (let y = top[0]; y <= bottom[1]; y++) if (!inRow(y)) return false;
  return true;
}
