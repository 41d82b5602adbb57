import type { LaidLine } from './layout';
import { borderColor } from './detector';
import type { Rect, Rgb } from './raster';

/**
 * Terminal tables drawn with characters (`+----+----+` and `|` as psql or nvidia-smi print them,
 * or box-drawing `┌──┬──┐ │`): the detector sees no text in a ruled line or a lone bar, and the
 * dictionary has no box corners. They are found in the image instead — a ruled line is a pixel
 * row inked along most of its span, a bar a column inked down a text row — and handed to the
 * layout as monospace cells of the page's pitch, so they land on the character grid.
 */
interface Rule {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
  /** Inner x positions where a stroke crosses the rule (`+`, `┼`). */
  junctions: number[];
  /** Unbroken: box-drawing `─`; ASCII dashes leave gaps. */
  solid: boolean;
}

const TOLERANCE = 60;

function inkTest(img: Rgb): (x: number, y: number) => boolean {
  const [r, g, b] = borderColor(img);
  const d = img.data;
  return (x, y) => {
    const i = (y * img.width + x) * 3;
    return Math.abs(d[i]! - r) + Math.abs(d[i + 1]! - g) + Math.abs(d[i + 2]! - b) > TOLERANCE;
  };
}

function findRules(img: Rgb, ink: (x: number, y: number) => boolean, cores: Rect[], pitch: number): Rule[] {
  const rules: Rule[] = [];
  let open: Rule | undefined;
  for (let y = 0; y < img.height; y++) {
    let first = -1, last = -1, count = 0;
    if (!cores.some((c) => y >= c[1] && y < c[3])) {
      for (let x = 0; x < img.width; x++) {
        if (!ink(x, y)) continue;
        if (first < 0) first = x;
        last = x;
        count++;
      }
    }
    const span = last - first + 1;
    const ruled = first >= 0 && span >= 0.2 * img.width && count >= 0.4 * span;
    if (ruled && open && y === open.y1 + 1) {
      open.y1 = y;
      open.solid &&= count >= 0.97 * span;
    } else if (ruled) {
      open = { y0: y, y1: y, x0: first, x1: last, junctions: [], solid: count >= 0.97 * span };
      rules.push(open);
    }
  }
  // Thick bands are not lines of a table (a filled bar, an image), and a rule stands alone: just
  // above and below it only the junction strokes are inked (a dense text row's baseline is not).
  const share = (y: number, r: Rule) => {
    if (y < 0 || y >= img.height) return 0;
    let n = 0;
    for (let x = r.x0; x <= r.x1; x++) if (ink(x, y)) n++;
    return n / (r.x1 - r.x0 + 1);
  };
  const kept = rules.filter((r) => r.y1 - r.y0 <= 4 && share(r.y0 - 2, r) < 0.15 && share(r.y1 + 2, r) < 0.15);
  for (const r of kept) {
    const probe = (y: number) => (y >= 0 && y < img.height ? y : undefined);
    const ys = [probe(r.y0 - 2), probe(r.y1 + 2)].filter((y): y is number => y !== undefined);
    let runStart = -1;
    for (let x = r.x0 + 3; x <= r.x1 - 2; x++) {
      const inked = x <= r.x1 - 3 && ys.some((y) => ink(x, y));
      if (inked && runStart < 0) runStart = x;
      if (!inked && runStart >= 0) {
        const j = (runStart + x - 1) / 2;
        if (x - runStart <= 4 && j - r.x0 > 0.75 * pitch && r.x1 - j > 0.75 * pitch) r.junctions.push(j);
        runStart = -1;
      }
    }
  }
  return kept;
}

/** Longest inked share of column x (±1) over rows [y0, y1). */
function columnInk(ink: (x: number, y: number) => boolean, x: number, y0: number, y1: number): number {
  let n = 0;
  for (let y = y0; y < y1; y++) if (ink(x, y) || ink(x - 1, y) || ink(x + 1, y)) n++;
  return n / Math.max(1, y1 - y0);
}

/** What the recogniser makes of a ruled line: dashes, pluses and their look-alikes only. */
const RULE_LIKE = /^[\s+十\-—一_─=|丨┌├]+$/;

/**
 * The ruled lines and the bars between cells of character-drawn tables, as monospace
 * pseudo-lines; `lines` comes back without the recogniser's misreadings of those rules.
 */
export function withTableRules(img: Rgb, lines: readonly LaidLine[], pitch: number): LaidLine[] {
  const ink = inkTest(img);
  const core = (l: LaidLine): Rect => {
    const h = l.box[3] - l.box[1];
    return [l.box[0], Math.round(l.box[1] + 0.25 * h), l.box[2], Math.round(l.box[3] - 0.25 * h)];
  };
  const text = lines.filter((l) => !RULE_LIKE.test(l.text));
  const rules = findRules(img, ink, text.map(core), pitch);
  if (rules.length < 2) return lines.slice();
  const onRule = (l: LaidLine) => rules.some((r) => l.box[1] <= r.y1 && l.box[3] >= r.y0);
  const kept = lines.filter((l) => !(RULE_LIKE.test(l.text) && onRule(l)));
  return [...kept, ...ruleCells(img, ink, rules, kept, pitch)];
}

function ruleCells(img: Rgb, ink: (x: number, y: number) => boolean, rules: Rule[], lines: readonly LaidLine[], pitch: number): LaidLine[] {
  const out: LaidLine[] = [];
  const cellsOf = (r: Rule) => Math.max(2, Math.round((r.x1 - r.x0 + 1) / pitch));
  rules.forEach((r, k) => {
    const n = cellsOf(r);
    const chars = new Array<string>(n).fill(r.solid ? '─' : '-');
    const at = (x: number) => Math.min(n - 2, Math.max(1, Math.floor((x - r.x0) / pitch)));
    const [left, mid, right] = !r.solid ? ['+', '+', '+'] : k === 0 ? ['┌', '┬', '┐'] : k === rules.length - 1 ? ['└', '┴', '┘'] : ['├', '┼', '┤'];
    chars[0] = left!;
    chars[n - 1] = right!;
    for (const j of r.junctions) chars[at(j)] = mid!;
    out.push({ text: chars.join(''), box: [r.x0, r.y0 - 2, r.x0 + n * pitch, r.y1 + 2], score: 1, pitch });
  });
  // Bars: in every text row between the first and last rule, at the rules' junctions and ends.
  const top = rules[0]!.y1, bottom = rules[rules.length - 1]!.y0;
  const xs = [rules[0]!.x0 + pitch / 2, ...rules[0]!.junctions, rules[0]!.x1 - pitch / 2];
  const bar = rules[0]!.solid ? '│' : '|';
  const rows = lines.filter((l) => (l.box[1] + l.box[3]) / 2 > top && (l.box[1] + l.box[3]) / 2 < bottom);
  const done: number[] = [];
  for (const l of rows) {
    const h = l.box[3] - l.box[1];
    const cy = (l.box[1] + l.box[3]) / 2;
    // One pass per text row, however many cells the detector cut it into.
    if (done.some((y) => Math.abs(y - cy) < 0.5 * h)) continue;
    done.push(cy);
    const y0 = Math.round(l.box[1] + 0.25 * h), y1 = Math.round(l.box[3] - 0.25 * h);
    const row = rows.filter((o) => Math.abs((o.box[1] + o.box[3]) / 2 - cy) < 0.5 * h);
    for (const x0 of xs) {
      let best = { x: x0, v: 0 };
      for (let x = Math.round(x0 - pitch / 2); x <= Math.round(x0 + pitch / 2); x++) {
        if (x < 1 || x >= img.width - 1) continue;
        const v = columnInk(ink, x, y0, y1);
        if (v > best.v) best = { x, v };
      }
      // A bar inside a read cell was read (or dropped) with it.
      if (best.v < 0.9 || row.some((o) => o.box[0] < best.x - pitch / 4 && o.box[2] > best.x + pitch / 4)) continue;
      out.push({ text: bar, box: [best.x - pitch / 2, l.box[1], best.x + pitch / 2, l.box[3]], score: 1, pitch });
    }
  }
  return out;
}
