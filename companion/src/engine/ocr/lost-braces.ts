import type { CtcChar } from './ctc';
import { inkBlobs, inkMask, textBand, type Blob } from './glyph-shape';
import type { LineGlyphs } from './one-or-ell';
import { pairsBetter, PAREN_BRACES } from './paren-braces';
import { besideCjk, pointedOn, spaceForBlank } from './empty-braces';
import type { Rgb } from './raster';

/**
 * A brace the recogniser wrote nothing for, away from any paren: `{` ending a line
 * (`unpackTar('./output', {`, often dropped at a crop's end), `}` between words
 * (`import { marked } from`). Its ink stands alone, no glyph read on it or near it: a blob as
 * tall as the line's text band, narrow, pointed at mid-height on one side with arms reaching out
 * at the other's ends, where a paren would pair the line's brackets no better. It is put back
 * where it stands, a space on either side where the blank there is a word gap.
 */
export const LOST_BRACE = {
  /** Least height against the line's text band (braces reach from above the capitals to below the baseline). */
  minHeight: 0.8,
  /** Widest, in its height. */
  maxWidth: 0.6,
  /** No glyph read within this distance of its ink, in its height. */
  clear: 0.3,
} as const;

/** Puts back lost braces in `lines` (in place; see LOST_BRACE). */
export function restoreLostBraces(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    if (!line.chars.some((c) => c.char !== ' ')) return;
    const mask = inkMask(crops[li]!);
    const [top, bottom] = textBand(mask);
    const band = bottom - top + 1;
    const blobs = inkBlobs(mask).filter((b) => b.bottom >= top && b.top <= bottom);
    const centre = (c: CtcChar) => ((c.start + c.end) / 2 + 0.5) * line.pxPerStep;
    const lost: Array<{ b: Blob; brace: string }> = [];
    for (const b of blobs) {
      const h = b.bottom - b.top + 1;
      if (h < Math.max(PAREN_BRACES.minHeight, LOST_BRACE.minHeight * band) || b.x1 - b.x0 + 1 > LOST_BRACE.maxWidth * h) continue;
      const reach = LOST_BRACE.clear * h;
      if (line.chars.some((c) => c.char !== ' ' && centre(c) >= b.x0 - reach && centre(c) <= b.x1 + reach)) continue;
      const brace = pointedOn(mask, b, -1) ? '{' : pointedOn(mask, b, 1) ? '}' : undefined;
      if (brace) lost.push({ b, brace });
    }
    for (const { b, brace } of lost.sort((p, q) => q.b.x0 - p.b.x0)) {
      const h = b.bottom - b.top + 1;
      const others = blobs.filter((o) => o !== b && !lost.some((l) => l.b === o));
      const left = Math.max(-Infinity, ...others.filter((o) => o.x1 < b.x0).map((o) => o.x1));
      const right = Math.min(Infinity, ...others.filter((o) => o.x0 > b.x1).map((o) => o.x0));
      const word = (blank: number) => spaceForBlank(blank, h);
      const at = line.chars.filter((c) => centre(c) < b.x0).length;
      // Where a paren there pairs the line's brackets better, the ink is a paren (`(base e` with its `)` unread).
      const read = line.chars.map((c) => c.char);
      const as = (mark: string) => [...read.slice(0, at), mark, ...read.slice(at)];
      if (besideCjk(line.chars, at) || pairsBetter(as(brace === '{' ? '(' : ')'), as(brace))) continue;
      const step = (b.x0 + b.x1) / 2 / line.pxPerStep - 0.5;
      line.chars.splice(at, 0, { char: brace, start: step, end: step, prob: 0.5, spaceBefore: word(b.x0 - left - 1) });
      const next = line.chars.findIndex((c, i) => i > at && c.char !== ' ');
      if (next >= 0) line.chars[next] = { ...line.chars[next]!, spaceBefore: word(right - b.x1 - 1) };
    }
  });
}
