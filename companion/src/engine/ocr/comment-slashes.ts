import { inkBlobs, inkMask, type Blob, type Mask } from './glyph-shape';
import type { Rgb } from './raster';
import { inkProfile } from './ink-profile';
import { strokeLean } from './tick-shape';

/**
 * A line comment's `//` opening a line of code set in a sans body font, read as bars (`III do
 * something`, `/I/ create runner`): the slashes of a sans font are thin and barely slanted. The
 * ink tells: a slash is one tall thin stroke whose top stands right of its foot, a bar (`ll -a`,
 * a numeral `II`) stands upright. Where the line opens with a token of bar look-alikes and its
 * first two strokes both slant like slashes, the token is `//`; so is a box holding nothing but
 * two such strokes read as bars (`1/`, `11`: the slashes of `//   generatedLine: 1,` boxed apart).
 */
export const COMMENT_SLASHES = {
  /** What the slashes come back as: two or three of these, then a space. */
  token: /^(\s*)([Il|/1!]{2,3})(?= |$)/,
  /** Columns moved right per row down, at most (a slash's top is right of its foot). */
  maxLean: -0.15,
  /** A stroke's height, at least, as a share of the line's ink height. */
  minHeight: 0.5,
} as const;

/** The lean of the stroke's mean column per row (columns per row down; see strokeLean). */
function lean(m: Mask, b: Blob): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let y = b.top; y <= b.bottom; y++) {
    let sum = 0, n = 0;
    for (let x = b.x0; x <= b.x1; x++) {
      if (!m.ink[y * m.width + x]) continue;
      sum += x;
      n++;
    }
    if (!n) continue;
    xs.push(sum / n);
    ys.push(y);
  }
  return strokeLean(xs, ys);
}

/** One tall thin stroke whose top stands right of its foot: a slash, not a bar. */
export function isSlash(mask: Mask, b: Blob, inkHeight: number): boolean {
  return b.bottom - b.top + 1 >= COMMENT_SLASHES.minHeight * inkHeight && b.x1 - b.x0 + 1 <= 0.6 * (b.bottom - b.top + 1) && lean(mask, b) <= COMMENT_SLASHES.maxLean;
}

/** `text` with a leading `//` read as bars put back, where the crop's first two strokes are slashes. */
export function slashesOpeningLine(text: string, crop: Rgb): string {
  const m = COMMENT_SLASHES.token.exec(text);
  if (!m || m[2] === '//') return text;
  const mask = inkMask(crop);
  const { inkHeight } = inkProfile(mask);
  const strokes = inkBlobs(mask).filter((b) => b.bottom - b.top + 1 >= 2).sort((a, b) => a.x0 - b.x0);
  // A box of the two slashes alone (`//   name: null`, its text boxed apart on a monospace line) holds two strokes.
  const alone = m[0].length === text.length;
  if (strokes.length < (alone ? 2 : 3) || (alone && strokes.length > 2)) return text;
  const [s1, s2, next] = strokes as [Blob, Blob, Blob | undefined];
  const slash = (b: Blob) => isSlash(mask, b, inkHeight);
  // Two slashes side by side, then the comment's first word after a blank.
  if (!slash(s1) || !slash(s2) || s2.x0 <= s1.x0 || (next && next.x0 - s2.x1 < 2)) return text;
  return m[1] + '//' + text.slice(m[0].length);
}
