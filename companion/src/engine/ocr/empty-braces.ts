import { inkBlobs, inkMask, textBand, type Blob, type Mask } from './glyph-shape';
import type { LineGlyphs } from './one-or-ell';
import { PAREN_BRACES, pointOf } from './paren-braces';
import type { Rgb } from './raster';
import type { CtcChar } from './ctc';
import { isCjk } from './lookalikes';

/**
 * An empty pair of braces (`extends WeakMap {}`, `? [] : {};`, `// => {}`) read as `0`, as one
 * brace, or not at all (at a crop's end the recogniser can drop both). Its ink is two blobs side
 * by side, each as tall as the line's text band, with nothing between: the first comes to a
 * point at mid-height on its left with its right side reaching out at the ends (the arms), the
 * second the mirror image. A paren is round and a bracket flat there, a `0` is one ring.
 */
export const EMPTY_BRACES = {
  /** Least brace height against the line's text band. */
  minHeight: 0.8,
  /** Most blank columns between the two, in their height. */
  maxGap: 0.6,
} as const;

/** What the recogniser may have read on such a pair (not `()`: parens read as parens stay). */
const READ_AS = /^(?:|[0Oo{}]|\{\)|\(\})$/;

/** Whether `b` comes to a point on side `pointed` (1: right, −1: left) and reaches out at its ends on the other. */
export const pointedOn = (mask: Mask, b: Blob, pointed: 1 | -1) => (pointOf(mask, b, pointed) ?? 0) >= 1 && pointOf(mask, b, pointed === 1 ? -1 : 1) === undefined;

/** A blank at least this wide (in the brace's height) beside a brace put back is a word gap. */
const WORD_GAP = 0.25;

/** The space probability a brace put back after (or before) a blank of `blank` px gets. */
export const spaceForBlank = (blank: number, h: number) => (blank >= WORD_GAP * h ? 0.9 : 0);

/**
 * Whether the glyphs read either side of index `at` of `chars` are Chinese: a Chinese character
 * is drawn in parts side by side, one of which can look like a lone brace.
 */
export function besideCjk(chars: readonly CtcChar[], at: number): boolean {
  const before = chars.slice(0, at).findLast((c) => c.char !== ' ');
  const after = chars.slice(at).find((c) => c.char !== ' ');
  return (before !== undefined && isCjk(before.char)) || (after !== undefined && isCjk(after.char));
}

/** Restores empty brace pairs in `lines` (in place; see EMPTY_BRACES). */
export function restoreEmptyBraces(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    const mask = inkMask(crops[li]!);
    const [top, bottom] = textBand(mask);
    const band = bottom - top + 1;
    const blobs = inkBlobs(mask)
      .filter((b) => b.bottom >= top && b.top <= bottom)
      .sort((a, b) => a.x0 - b.x0);
    const tall = (b: Blob) => b.bottom - b.top + 1 >= Math.max(PAREN_BRACES.minHeight, EMPTY_BRACES.minHeight * band);
    const centre = (c: { start: number; end: number }) => ((c.start + c.end) / 2 + 0.5) * line.pxPerStep;
    for (let k = blobs.length - 2; k >= 0; k--) {
      const [a, b] = [blobs[k]!, blobs[k + 1]!];
      const h = a.bottom - a.top + 1;
      // Nothing between them: the next blob starts after the first ends, and no third one reaches into the gap.
      const apart = b.x0 > a.x1 && b.x0 - a.x1 - 1 <= EMPTY_BRACES.maxGap * h && !blobs.some((o) => o !== a && o !== b && o.x1 >= a.x1 && o.x0 <= b.x0);
      const rows = Math.abs(a.top - b.top) <= 1 && Math.abs(a.bottom - b.bottom) <= 1;
      if (!apart || !rows || !tall(a) || !tall(b) || !pointedOn(mask, a, -1) || !pointedOn(mask, b, 1)) continue;
      const on = line.chars.flatMap((c, i) => (c.char !== ' ' && centre(c) >= a.x0 - 2 && centre(c) <= b.x1 + 2 ? [i] : []));
      const read = on.map((i) => line.chars[i]!.char).join('');
      // A ring read right after a name is a call's `()` (`append0`) whatever the point of its parens.
      const before = line.chars.slice(0, on[0] ?? 0).findLast((c) => c.char !== ' ');
      const call = /^[0Oo]$/.test(read) && before !== undefined && /^[\p{L}\p{N}_]$/u.test(before.char) && line.chars[on[0]!]!.spaceBefore < 0.5;
      if (!READ_AS.test(read) || call) continue;
      const step = (x: number) => x / line.pxPerStep - 0.5;
      // After the glyphs read before the pair (a space read there stays before it).
      const at = on.length ? on[0]! : line.chars.filter((c) => centre(c) < a.x0).length;
      if (!on.length && besideCjk(line.chars, at)) continue;
      // With no glyph read there, the blank before it tells the space.
      const left = Math.max(-1, ...blobs.filter((o) => o.x1 < a.x0).map((o) => o.x1));
      const spaceBefore = on.length ? line.chars[on[0]!]!.spaceBefore : left < 0 ? 0 : spaceForBlank(a.x0 - left - 1, h);
      const pair = [
        { char: '{', start: step((a.x0 + a.x1) / 2), end: step((a.x0 + a.x1) / 2), prob: 0.5, spaceBefore },
        { char: '}', start: step((b.x0 + b.x1) / 2), end: step((b.x0 + b.x1) / 2), prob: 0.5, spaceBefore: 0 },
      ];
      line.chars.splice(at, on.length, ...pair);
    }
  });
}
