import type { CtcChar } from './ctc';
import { glyphBlobs, inkMask, type Mask } from './glyph-shape';
import { isCjk } from './lookalikes';
import { cropRgb, padToWidth, type Rgb } from './raster';
import type { Recognised, Recognizer } from './recognizer';

/**
 * A glyph at the very start of a crop the recogniser reads as nothing: `});` comes back `);`
 * (the brace is in the crop, and read alone it reads well). Where ink stands apart before the
 * first glyph's own ink, that ink is read again alone, and what it reads surely is put in front.
 */
export const UNREAD_START = {
  /** Least width of the unread ink, in band heights (a speck is no glyph). */
  minWidth: 0.25,
  /** Least distance from the unread ink's centre to the first glyph's, in band heights. */
  apart: 0.4,
  /** Least score of the re-reading. */
  sure: 0.9,
} as const;

/** The line's own rows in a crop: the inked run round the most inked row (not a neighbour's descenders). */
function textBand(mask: Mask): [number, number] | undefined {
  const rows: number[] = [];
  for (let y = 0; y < mask.height; y++) {
    let n = 0;
    for (let x = 0; x < mask.width; x++) n += mask.ink[y * mask.width + x]!;
    rows.push(n);
  }
  let top = rows.indexOf(Math.max(...rows));
  let bottom = top;
  if (!rows[top]) return undefined;
  while (top > 0 && rows[top - 1]) top--;
  while (bottom + 1 < mask.height && rows[bottom + 1]) bottom++;
  return [top, bottom];
}

/**
 * The mark ink over columns [x0, x1] and band rows [top, bottom] plainly is, from its shape: a
 * hyphen or a bullet's dash (one solid bar, at least half again as wide as thick, thin for the
 * band, about its middle), or a slash (a stroke most of the band tall whose top stands right of
 * its foot). Undefined for anything else (then the ink is read again alone).
 */
function markByShape(mask: Mask, x0: number, x1: number, top: number, bottom: number): '-' | '/' | undefined {
  const band = bottom - top + 1;
  const rows: Array<{ y: number; n: number; mid: number }> = [];
  for (let y = top; y <= bottom; y++) {
    let n = 0;
    let sum = 0;
    for (let x = x0; x <= x1; x++) {
      if (!mask.ink[y * mask.width + x]) continue;
      n++;
      sum += x;
    }
    if (n) rows.push({ y, n, mid: sum / n });
  }
  if (!rows.length) return undefined;
  const r0 = rows[0]!.y;
  const r1 = rows[rows.length - 1]!.y;
  const tall = r1 - r0 + 1;
  const wide = x1 - x0 + 1;
  const solid = rows.length === tall;
  const centre = ((r0 + r1) / 2 - top) / band;
  if (solid && rows.every((r) => r.n >= 0.8 * wide) && tall <= 0.2 * band && wide >= 1.5 * tall && wide <= 0.8 * band && centre >= 0.35 && centre <= 0.75) return '-';
  const quarter = Math.max(1, Math.floor(rows.length / 4));
  const mean = (rs: typeof rows) => rs.reduce((a, r) => a + r.mid, 0) / rs.length;
  const lean = mean(rows.slice(0, quarter)) - mean(rows.slice(-quarter));
  if (solid && tall >= 0.7 * band && wide <= 0.6 * band && lean >= 0.15 * tall) return '/';
  return undefined;
}

/**
 * The ink before `before` (the first glyph's own ink, centred at `centre`) in the crop's text band,
 * when it stands apart: a blank column between, and a glyph's distance away (the two ticks of a
 * `"` are one glyph). `mark`: it is a hyphen's bar (a bullet's "-" before "`name`", which the
 * recogniser reads as nothing there, and alone as "T" or "I"),
 * or a slash's (the `/` of `/**`, read alone as nothing): see markByShape.
 */
export function leadingInk(mask: Mask, before: number, centre: number): { x0: number; x1: number; mark?: '-' | '/' } | undefined {
  const rows = textBand(mask);
  if (!rows) return undefined;
  const [top, bottom] = rows;
  const band = bottom - top + 1;
  const col = (x: number) => {
    for (let y = top; y <= bottom; y++) if (mask.ink[y * mask.width + x]) return true;
    return false;
  };
  let end = before - 1;
  while (end >= 0 && col(end)) end--;
  let x1 = end;
  while (x1 >= 0 && !col(x1)) x1--;
  if (x1 < 0) return undefined;
  let x0 = x1;
  while (x0 > 0 && col(x0 - 1)) x0--;
  if (centre - (x0 + x1) / 2 < UNREAD_START.apart * band) return undefined;
  const mark = markByShape(mask, x0, x1, top, bottom);
  if (mark) return { x0, x1, mark };
  return x1 - x0 + 1 >= UNREAD_START.minWidth * band ? { x0, x1 } : undefined;
}

/** Re-reads the unread ink at the start of each line (upright ones only) and puts what it surely reads in front, in place. */
export async function readUnreadStarts(recognizer: Recognizer, crops: readonly Rgb[], recs: Recognised[], turned: readonly boolean[], signal?: AbortSignal): Promise<void> {
  const todo: Array<{ i: number; x0: number; x1: number; crop: Rgb }> = [];
  recs.forEach((r, i) => {
    const glyphs = r.chars.filter((c) => c.char !== ' ');
    // Chinese characters are drawn in parts side by side: no telling an unread glyph from a part.
    if (turned[i] || !glyphs.length || isCjk(glyphs[0]!.char)) return;
    const crop = crops[i]!;
    const mask = inkMask(crop);
    const first = glyphBlobs(glyphs, r.pxPerStep, mask)[0];
    if (!first) return;
    const at = leadingInk(mask, first.x0, (first.x0 + first.x1) / 2);
    if (!at) return;
    if (at.mark) return (recs[i] = { ...r, chars: [{ char: at.mark, prob: 1, spaceBefore: 0, start: (at.x0 + at.x1) / 2 / r.pxPerStep - 0.5, end: (at.x0 + at.x1) / 2 / r.pxPerStep - 0.5 }, ...r.chars] });
    // The unread ink with a margin of background, as the detector would box it.
    const margin = Math.max(2, Math.round(0.15 * crop.height));
    const part = cropRgb(crop, [Math.max(0, at.x0 - margin), 0, Math.min(first.x0, at.x1 + 1 + margin), crop.height]);
    todo.push({ i, x0: at.x0, x1: at.x1, crop: padToWidth(part, 2 * part.height) });
  });
  if (!todo.length) return;
  signal?.throwIfAborted();
  const again = await recognizer.recognize(
    todo.map((t) => t.crop),
    undefined,
    signal,
  );
  todo.forEach((t, k) => {
    const read = again[k]!;
    const chars = read.chars.filter((c) => c.char !== ' ');
    if (read.score < UNREAD_START.sure || !chars.length) return;
    const r = recs[t.i]!;
    // The new glyphs spread over the unread ink, in the line's time steps.
    const step = (x: number) => x / r.pxPerStep - 0.5;
    const w = (t.x1 - t.x0 + 1) / chars.length;
    const front = chars.map((c, n): CtcChar => ({ ...c, start: step(t.x0 + (n + 0.5) * w), end: step(t.x0 + (n + 0.5) * w), spaceBefore: 0 }));
    recs[t.i] = { ...r, chars: [...front, ...r.chars] };
  });
}
