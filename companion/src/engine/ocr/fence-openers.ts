import { inkTest, type InkTest } from './char-grid';
import type { LaidLine } from './layout';
import type { Rgb } from './raster';
import { inkRuns, type InkRun } from './tick-shape';

/**
 * A raw Markdown fence that opens with its language (```` ```js ````), read as the language alone
 * (`js`): in a small monospace font the three backticks are specks high in the line that the
 * recogniser skips before letters. On a monospace line read as one bare word, the ink before the
 * word is looked at: three or four strokes, a cell apart, each small, high in the line and falling
 * to the right, are that many backticks.
 */
export const FENCE_OPENER = {
  /** What the recogniser kept: an info string (`js`, `sh`, `ts`, `c++`, `json5`). */
  infoString: /^[A-Za-z][A-Za-z0-9_+.-]{0,11}$/,
  /** A stroke's bottom at most this far down the box (a comma or a dot sits lower). */
  maxBottom: 0.5,
  /** A stroke's width at most, in cells. */
  maxWidth: 0.6,
  /** Columns moved right per row down, at least (a backtick's slant). */
  minLean: 0.4,
} as const;

/** The backticks standing just before a monospace line read as a bare info string: how many, and where the first starts. */
export function fenceTicksBefore(ink: InkTest, img: Rgb, line: LaidLine): { count: number; x0: number } | undefined {
  const pitch = line.pitch;
  if (pitch === undefined || !FENCE_OPENER.infoString.test(line.text)) return undefined;
  const [bx0, by0, bx1, by1] = line.box;
  const y0 = Math.max(0, Math.floor(by0)), y1 = Math.min(img.height, Math.ceil(by1));
  const h = y1 - y0;
  // The box may begin at the word: look up to four cells before it.
  const runs = inkRuns(ink, Math.max(0, Math.floor(bx0 - 4.5 * pitch)), Math.min(img.width, Math.ceil(bx1)), y0, y1);
  const isTick = (r: InkRun) => r.x1 - r.x0 <= FENCE_OPENER.maxWidth * pitch && r.bottom - y0 <= FENCE_OPENER.maxBottom * h && r.bottom > r.top && r.lean >= FENCE_OPENER.minLean;
  let n = 0;
  while (n < runs.length && isTick(runs[n]!)) n++;
  // Three or four, one a cell, the word right after them, and nothing before them.
  if (n < 3 || n > 4 || n === runs.length) return undefined;
  const starts = runs.slice(0, n).map((r) => r.x0);
  if (starts.slice(1).some((x, k) => Math.abs(x - starts[k]! - pitch) > 0.35 * pitch)) return undefined;
  if (runs[n]!.x0 - starts[n - 1]! > 1.6 * pitch) return undefined;
  return { count: n, x0: starts[0]! };
}

/** Fence openers whose backticks were not read get them back (see fenceTicksBefore). */
export function restoreFenceOpeners(img: Rgb, lines: readonly LaidLine[]): LaidLine[] {
  let ink: InkTest | undefined;
  return lines.map((l) => {
    if (l.pitch === undefined || !FENCE_OPENER.infoString.test(l.text)) return l;
    ink ??= inkTest(img);
    const ticks = fenceTicksBefore(ink, img, l);
    return ticks ? { ...l, text: '`'.repeat(ticks.count) + l.text, box: [Math.min(l.box[0], ticks.x0), l.box[1], l.box[2], l.box[3]] } : l;
  });
}
