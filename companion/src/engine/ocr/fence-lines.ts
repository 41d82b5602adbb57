import { inkTest, type InkTest } from './char-grid';
import type { LaidLine } from './layout';
import { monoMetrics } from './mono-metrics';
import type { Rgb } from './raster';
import { inkRuns, type InkRun } from './tick-shape';

/**
 * A Markdown fence (```) on a raw-text page, read as `I I I`, `A I`, `...` or `)`: three small
 * marks high in a line, which the detector boxes on their own (a box far shorter than the page's
 * lines) and the recogniser cannot read. On a page with monospace lines, such a line whose ink
 * is a row of short strokes each falling to the right is that many backticks.
 */
export const FENCE_LINE = {
  /** The box at most this share of the page's median line height. */
  maxHeight: 0.65,
  /** What the marks may have been read as. */
  readings: /^[\s`'"′‘’^.,:;IlA|)]{1,9}$/,
  /** Columns moved right per row down, at least, for each stroke. */
  minLean: 0.4,
} as const;

/** The box's ink as column runs (strokes side by side) of three pixels or more, each with its lean. */
function strokes(ink: InkTest, box: readonly number[], img: Rgb): InkRun[] {
  const [x0, y0, x1, y1] = [Math.max(0, Math.floor(box[0]!)), Math.max(0, Math.floor(box[1]!)), Math.min(img.width, Math.ceil(box[2]!)), Math.min(img.height, Math.ceil(box[3]!))];
  return inkRuns(ink, x0, x1, y0, y1).filter((r) => r.pixels >= 3);
}

export function readFenceLines(img: Rgb, lines: readonly LaidLine[]): LaidLine[] {
  const metrics = monoMetrics(lines);
  if (!metrics) return [...lines];
  const { lineH, pitch } = metrics;
  let ink: InkTest | undefined;
  return lines.map((l) => {
    if (l.pitch !== undefined || !FENCE_LINE.readings.test(l.text) || l.box[3] - l.box[1] > FENCE_LINE.maxHeight * lineH) return l;
    ink ??= inkTest(img);
    const marks = strokes(ink, l.box, img);
    // Three or four marks, one a cell, each a backtick's stroke.
    if (marks.length < 3 || marks.length > 4 || marks.some((s) => s.lean < FENCE_LINE.minLean || s.x1 - s.x0 > 0.7 * pitch)) return l;
    if (marks.slice(1).some((s, k) => Math.abs(s.x0 - marks[k]!.x0 - pitch) > 0.3 * pitch)) return l;
    return { ...l, text: '`'.repeat(marks.length), pitch };
  });
}
