/**
 * Indentation in proportional type. Leading blanks there are space glyphs of the text's own
 * font, about a quarter em wide, while the mean advance of a letter is about half an em (a Chinese
 * character a whole one): counted in mean advances, man-page and `--help` text set in a sans
 * face came out with half its indentation, or none for two spaces. The em is measured from each
 * line's width over the advances its text needs in a Helvetica-metric face (Liberation Sans,
 * Arial; wider faces such as DejaVu Sans have wider spaces in proportion).
 */
import type { LaidLine } from './layout';

/** Helvetica advances in thousandths of an em, for ASCII 32–126. */
const ASCII_ADVANCE = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667,
  667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500,
  556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];
const SPACE_EM = 0.278;
const WIDE = /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
/** Bullets of rendered lists: their indentation is the list's CSS margin, not spaces. */
const BULLET = /^[•◦▪▫‣●○■□]/u;

/** The advance of `text` in ems, in a Helvetica-metric face (a Chinese character one em). */
export function textEms(text: string): number {
  let sum = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    sum += code >= 32 && code <= 126 ? ASCII_ADVANCE[code - 32]! / 1000 : WIDE.test(ch) ? 1 : 0.556;
  }
  return sum;
}

/**
 * The width of a space in image pixels where most of the block's lines are proportional type,
 * from the median em of its lines long enough to tell; undefined otherwise.
 */
export function proseSpaceWidth(lines: readonly LaidLine[]): number | undefined {
  const telling = lines.filter((l) => [...l.text].length >= 12);
  const prose = telling.filter((l) => l.proportional);
  if (prose.length === 0 || prose.length * 2 <= telling.length) return undefined;
  const ems = prose.map((l) => (l.box[2] - l.box[0]) / textEms(l.text)).sort((a, b) => a - b);
  return SPACE_EM * ems[ems.length >> 1]!;
}

/**
 * Leading spaces of a proportional row `offset` pixels right of the block's left edge. A bulleted
 * row counts from the least indented bullet, two spaces a nesting level (2 em, as browsers nest lists).
 */
export function proseIndent(text: string, offset: number, bulletOffset: number | undefined, spaceWidth: number): number {
  if (BULLET.test(text) && bulletOffset !== undefined) return 2 * Math.round((offset - bulletOffset) / ((2 * spaceWidth) / SPACE_EM));
  return Math.round(offset / spaceWidth);
}

export const isBulleted = (text: string) => BULLET.test(text);
