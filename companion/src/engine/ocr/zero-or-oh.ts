import { pagePitches } from './dash-width';
import { glyphBlobs, inkBlobs, inkMask, type Blob, type Mask } from './glyph-shape';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/**
 * A zero read as a capital `O` or the reverse ("0x232A" → "Ox232A", "OK" → "0K"). In
 * proportional type the two are drawn at about one height but not one width: the figure is a
 * narrow oval (about half as wide as tall), the letter nearly round. Each ring's own blob is
 * measured; only a clearly narrow or clearly round ring of a line set in proportional type
 * changes (in monospace both fill one cell; there a zero is told by its inner mark, elsewhere).
 */
export const ZERO_OR_OH = {
  /** A ring at most this wide for its height is the figure. */
  zero: 0.7,
  /** A ring at least this wide for its height is the letter. */
  oh: 0.78,
  /** Least ring height (px) to judge by. */
  minHeight: 8,
} as const;


/**
 * A plain ring: across its middle row and down its middle column ink at both ends with
 * background between (a `(` read `O` is no ring), and no other blob inside it (a dotted or
 * slashed zero, a `Ø`, is left alone).
 */
function plainRing(mask: Mask, b: Blob, all: readonly Blob[]): boolean {
  const inked = (x: number, y: number) => mask.ink[y * mask.width + x] === 1;
  const crossed = (n: number, at: (t: number) => boolean) => {
    const edge = Math.max(1, Math.round(0.25 * n));
    let first = -1;
    let last = -1;
    let gap = false;
    for (let t = 0; t < n; t++) {
      if (at(t)) {
        if (first < 0) first = t;
        else if (last >= 0 && last < t - 1) gap = true;
        last = t;
      }
    }
    return first >= 0 && first < edge && last >= n - edge && gap;
  };
  const midY = Math.round((b.top + b.bottom) / 2);
  const midX = Math.round((b.x0 + b.x1) / 2);
  if (!crossed(b.x1 - b.x0 + 1, (t) => inked(b.x0 + t, midY)) || !crossed(b.bottom - b.top + 1, (t) => inked(midX, b.top + t))) return false;
  return !all.some((o) => o !== b && o.x0 > b.x0 && o.x1 < b.x1 && o.top > b.top && o.bottom < b.bottom);
}

/** Sets, in place, each `0` or `O` of a proportional line whose ring is clearly the other's width. */
export function settleZeroOrOh(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  const pitchOf = pagePitches(lines, crops);
  lines.forEach((line, li) => {
    const at = line.chars.map((c, i) => (c.char === ' ' ? -1 : i)).filter((i) => i >= 0);
    const glyphs = at.map((i) => line.chars[i]!);
    if (!glyphs.some((g) => g.char === '0' || g.char === 'O')) return;
    if (pitchOf(li, glyphs) !== undefined) return;
    const mask = inkMask(crops[li]!);
    const own = glyphBlobs(glyphs, line.pxPerStep, mask);
    const all = inkBlobs(mask);
    glyphs.forEach((g, k) => {
      const b = own[k];
      if ((g.char !== '0' && g.char !== 'O') || !b) return;
      const h = b.bottom - b.top + 1;
      const w = b.x1 - b.x0 + 1;
      if (h < ZERO_OR_OH.minHeight || !plainRing(mask, b, all)) return;
      const char = w <= ZERO_OR_OH.zero * h ? '0' : w >= ZERO_OR_OH.oh * h ? 'O' : g.char;
      if (char !== g.char) line.chars[at[k]!] = { ...g, char };
    });
  });
}
