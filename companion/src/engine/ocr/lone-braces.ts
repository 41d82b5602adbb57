import { inkBlobs, inkMask, textBand, type Blob, type Mask } from './glyph-shape';
import type { LineGlyphs } from './one-or-ell';
import { pointOf } from './paren-braces';
import type { Rgb } from './raster';

/**
 * A line holding only a block's closing brace and its marks (`}`, `};`, `},`, `})`, `});`) or
 * only an opening `{`. Read alone, the brace is often doubtful (`},` at 0.4, dropped with the
 * doubtful lines), read as nothing (`};` → `;`) or as a look-alike (`3,`, `b,`, `F`, `)`). Its
 * ink tells it: the first blob is the line's tallest, narrow, and comes to a point at mid-height
 * on its open side with its other side reaching out at the ends; what follows is parens,
 * semicolons, commas and a template literal's tick only, each told by its blobs. Such a line is written from its ink and
 * kept whatever its score.
 */
export const LONE_BRACE = {
  /** Least brace height against the page's median box height (a `>` is of x-height). */
  minHeight: 0.5,
  /** Widest brace, in its height. */
  maxWidth: 0.6,
  /** A paren after it reaches at least this share of its height. */
  parenHeight: 0.75,
  /** Most glyphs read on such a line. */
  maxRead: 4,
  /** Least point (px) of a brace the recogniser read as a round glyph. */
  roundPoint: 2,
} as const;

/** What a lone line's reading may hold: its brace (or a look-alike of it) and closing marks. */
const CLOSER_READING = /^[}3bFDlI|1)\]）"“”]?[)\]）;；,，.`]*$/;
const OPENER_READING = /^[{(（[tf]?$/;
const ROUND_READING = /^[)）D]$/;

/** Blobs worth a glyph: not a speck, and on the line's rows. */
function lineBlobs(mask: Mask): Blob[] {
  const [top, bottom] = textBand(mask);
  return inkBlobs(mask)
    .filter((b) => b.bottom >= top && b.top <= bottom && (b.x1 > b.x0 || b.bottom > b.top))
    .sort((a, b) => a.x0 - b.x0);
}

/** Whether `b` is a brace opening towards `open` (1: `{`'s point is on its left… −1), judged by its outer (pointed) side. */
function braceShaped(mask: Mask, b: Blob, pointed: 1 | -1, minHeight: number): boolean {
  const h = b.bottom - b.top + 1;
  if (h < minHeight || b.x1 - b.x0 + 1 > LONE_BRACE.maxWidth * h) return false;
  const point = pointOf(mask, b, pointed);
  // Its other side reaches furthest at the ends (the arms), not at mid-height.
  return point !== undefined && point >= 1 && pointOf(mask, b, pointed === 1 ? -1 : 1) === undefined;
}

/** The marks after a closing brace (`)`, `;`, `,`, `.`, a tick), from their blobs (grouped by the columns they share); undefined where any is no such mark. */
function closingMarks(blobs: readonly Blob[], brace: Blob): string | undefined {
  const h = brace.bottom - brace.top + 1;
  const mid = (brace.top + brace.bottom) / 2;
  const groups: Blob[][] = [];
  for (const b of blobs) {
    const last = groups[groups.length - 1];
    if (last && last.some((o) => b.x0 <= o.x1 && b.x1 >= o.x0)) last.push(b);
    else groups.push([b]);
  }
  let marks = '';
  for (const g of groups) {
    const [a, b] = [...g].sort((p, q) => p.top - q.top);
    const tall = (x: Blob) => x.bottom - x.top + 1 >= LONE_BRACE.parenHeight * h;
    if (g.length === 1 && tall(a!)) marks += ')';
    else if (g.length === 1 && a!.top > mid) marks += a!.bottom - a!.top > a!.x1 - a!.x0 + 1 ? ',' : '.';
    else if (g.length === 2 && a!.bottom < mid && b!.top > mid && !tall(b!)) marks += ';';
    // A template literal's closing tick (`}\`;`): a short mark high on the line.
    else if (g.length === 1 && a!.bottom < mid && a!.bottom - a!.top + 1 < h / 3) marks += '`';
    else return undefined;
  }
  return marks;
}

/** The text a lone-brace line's ink spells (`}` and its marks, or `{` alone), and its brace's blob; undefined where the ink is no such line. */
function spelledByInk(mask: Mask, lineHeight: number): { text: string; brace: Blob; closing: boolean } | undefined {
  const blobs = lineBlobs(mask);
  const first = blobs[0];
  if (!first) return undefined;
  const h = first.bottom - first.top + 1;
  if (blobs.some((b) => b.bottom - b.top > h)) return undefined;
  const minHeight = LONE_BRACE.minHeight * lineHeight;
  if (braceShaped(mask, first, 1, minHeight)) {
    const marks = closingMarks(blobs.slice(1), first);
    return marks === undefined ? undefined : { text: '}' + marks, brace: first, closing: true };
  }
  return blobs.length === 1 && braceShaped(mask, first, -1, minHeight) ? { text: '{', brace: first, closing: false } : undefined;
}

/**
 * Whether `crop` (a doubtful line) is a lone-brace line by its ink alone: the direction
 * classifier takes a lone `};` for upside down, and its turned crop reads as a quote.
 */
export const loneBraceInk = (crop: Rgb, lineHeight: number): boolean => spelledByInk(inkMask(crop), lineHeight) !== undefined;

/**
 * Rewrites lone-brace lines among `lines` (in place) from their ink; `lineHeight` is the page's
 * median box height. Returns the lines so written, to keep whatever their score.
 */
export function readLoneBraces(lines: readonly LineGlyphs[], crops: readonly Rgb[], lineHeight: number): Set<number> {
  const kept = new Set<number>();
  lines.forEach((line, li) => {
    const glyphs = line.chars.filter((c) => c.char !== ' ');
    const read = glyphs.map((c) => c.char).join('');
    const closer = CLOSER_READING.test(read);
    const opener = OPENER_READING.test(read);
    if (glyphs.length > LONE_BRACE.maxRead || (!closer && !opener)) return;
    const mask = inkMask(crops[li]!);
    const ink = spelledByInk(mask, lineHeight);
    if (!ink || (ink.closing ? !closer : !opener)) return;
    const first = ink.brace;
    const centre = (g: { start: number; end: number }) => ((g.start + g.end) / 2 + 0.5) * line.pxPerStep;
    const onBrace = glyphs.length > 0 && centre(glyphs[0]!) <= first.x1 + 2;
    // A round glyph read there (`)`, `D`) can come to a pixel's point in mid-sized type: it must be clearly pointed.
    if (ink.closing && onBrace && ROUND_READING.test(glyphs[0]!.char) && (pointOf(mask, first, 1) ?? 0) < LONE_BRACE.roundPoint) return;
    let text = ink.text;
    if (ink.closing) {
      // The recogniser's own marks where they agree in number (it tells `]` from `)`).
      const marks = ink.text.slice(1);
      const tail = (onBrace ? glyphs.slice(1) : glyphs).map((g) => g.char.normalize('NFKC'));
      if (tail.length === marks.length && [...marks].every((m, k) => m === tail[k] || (m === ')' && tail[k] === ']'))) text = '}' + tail.join('');
    }
    const start = glyphs[0]?.start ?? first.x0 / line.pxPerStep;
    const step = (first.x1 + 1 - first.x0) / line.pxPerStep / text.length;
    line.chars = [...text].map((char, k) => ({ char, start: start + k * step, end: start + k * step, prob: 0.9, spaceBefore: 0 }));
    kept.add(li);
  });
  return kept;
}
