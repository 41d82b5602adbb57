import type { InkTest } from './char-grid';
import type { CtcChar } from './ctc';
import type { Mask } from './glyph-shape';
import { growComponent } from './ink-components';

/**
 * Backticks the recogniser reads as a caret, a quote or an asterisk (`^Chrome`, "`Condition’", "^['!foo']`",
 * a raw `false` in sans text read "`false*", "`v2.4\"" for "`v2.4`"):
 * the dictionary's marks look alike at 48 px, the crop does not. A backtick is one small stroke
 * high in the line falling to the right; a caret is two strokes meeting at the top (no lean), an
 * apostrophe stands upright, a closing quote leans the other way, a double quote is two upright or
 * curled strokes (the nearer one is measured) and an asterisk is a star (no lean).
 * Not the tilde: its wave fits a falling stroke too (`1~deb12u2` in a table came back `1`deb12u2`).
 * The glyph's ink around its CTC spike is measured: its lean is how far the stroke moves right per
 * row going down.
 */
const TICK_LOOKALIKE = /^[\^′'’‘*"“”]$/;

export const TICK_SHAPE = {
  /** Columns moved right per row down, at least (a backtick's stroke is at about 45°–60°). */
  minLean: 0.5,
  /** The stroke's height at most, in the line's ink height (a caret or quote is small too; a slash is not). */
  maxHeight: 0.45,
} as const;

interface Stroke {
  lean: number;
  height: number;
}

/** The connected ink nearest column `cx` within [x0, x1) of rows [y0, y1), and how it leans. */
export function strokeAt(mask: Mask, cx: number, x0: number, x1: number, y0: number, y1: number): Stroke | undefined {
  const { ink, width } = mask;
  let seed = -1;
  let bestOff = Infinity;
  for (let y = y0; y < y1; y++) {
    for (let x = Math.max(0, x0); x < Math.min(width, x1); x++) {
      if (ink[y * width + x] && Math.abs(x - cx) < bestOff) [seed, bestOff] = [y * width + x, Math.abs(x - cx)];
    }
  }
  if (seed < 0) return undefined;
  const seen = new Set([seed]);
  const xs: number[] = [], ys: number[] = [];
  growComponent(width, [Math.max(0, x0), y0, Math.min(width, x1), y1], seed, (q) => !!ink[q] && !seen.has(q) && (seen.add(q), true), (x, y) => {
    xs.push(x);
    ys.push(y);
  });
  return { lean: strokeLean(xs, ys), height: Math.max(...ys) - Math.min(...ys) + 1 };
}

/** How far a stroke's ink pixels (xs[i], ys[i]) move right per row going down: the least-squares slope of x on y (0 for one row). */
export function strokeLean(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, v) => s + v, 0) / n;
  const my = ys.reduce((s, v) => s + v, 0) / n;
  let cov = 0, varY = 0;
  for (let i = 0; i < n; i++) {
    cov += (xs[i]! - mx) * (ys[i]! - my);
    varY += (ys[i]! - my) ** 2;
  }
  return varY > 0 ? cov / varY : 0;
}

/** A run of inked columns (strokes side by side): columns [x0, x1), its rows, pixels and lean (0 under three pixels). */
export interface InkRun {
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  pixels: number;
  lean: number;
}

/** The column runs of ink in [x0, x1) × [y0, y1) (a fence's ticks, a line of marks), left to right. */
export function inkRuns(ink: InkTest, x0: number, x1: number, y0: number, y1: number): InkRun[] {
  const out: InkRun[] = [];
  let run: { x0: number; xs: number[]; ys: number[] } | undefined;
  const close = (x: number) => {
    if (run) out.push({ x0: run.x0, x1: x, top: Math.min(...run.ys), bottom: Math.max(...run.ys), pixels: run.xs.length, lean: run.xs.length >= 3 ? strokeLean(run.xs, run.ys) : 0 });
    run = undefined;
  };
  for (let x = x0; x < x1; x++) {
    const ys: number[] = [];
    for (let y = y0; y < y1; y++) if (ink(x, y)) ys.push(y);
    if (!ys.length) {
      close(x);
      continue;
    }
    run ??= { x0: x, xs: [], ys: [] };
    for (const y of ys) {
      run.xs.push(x);
      run.ys.push(y);
    }
  }
  close(x1);
  return out;
}

/** The crop's text rows: from the first to the last row with more than a sliver of ink. */
export function inkRows(mask: Mask): [number, number] | undefined {
  let top = -1, bottom = -1;
  for (let y = 0; y < mask.height; y++) {
    let n = 0;
    for (let x = 0; x < mask.width; x++) n += mask.ink[y * mask.width + x]!;
    if (n > Math.max(1, 0.01 * mask.width)) {
      if (top < 0) top = y;
      bottom = y;
    }
  }
  return top < 0 ? undefined : [top, bottom + 1];
}

/** Carets and quotes whose ink is a backtick's stroke, made backticks. */
export function backticksByShape(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask): CtcChar[] {
  if (!glyphs.some((g) => TICK_LOOKALIKE.test(g.char))) return [...glyphs];
  const rows = inkRows(mask);
  if (!rows) return [...glyphs];
  const [y0, y1] = rows;
  const h = y1 - y0;
  const centre = (g: CtcChar) => ((g.start + g.end) / 2 + 0.5) * pxPerStep;
  return glyphs.map((g, i) => {
    if (!TICK_LOOKALIKE.test(g.char)) return g;
    const cx = centre(g);
    // The glyph's own columns: halfway to its neighbours' spikes.
    const left = i > 0 ? (centre(glyphs[i - 1]!) + cx) / 2 : cx - h;
    const right = i + 1 < glyphs.length ? (centre(glyphs[i + 1]!) + cx) / 2 : cx + h;
    // The upper half of the line: a backtick sits there, and so does a caret's or quote's whole ink.
    const s = strokeAt(mask, cx, Math.floor(left), Math.ceil(right), y0, y0 + Math.ceil(h / 2));
    return s && s.lean >= TICK_SHAPE.minLean && s.height <= TICK_SHAPE.maxHeight * h ? { ...g, char: '`' } : g;
  });
}
