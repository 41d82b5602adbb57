import { CAP_HEIGHT, glyphBlobs, inkMask } from './glyph-shape';
import { lineMetrics } from './merged-dots';
import { median } from './median';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';

/**
 * A dollar sign read `S` (`$.bgYellow` → `S.bgYellow`, `%2$s` → `%2Ss`, `${message}`): the same
 * letter with a stroke through it, which reaches above the capitals and below the baseline. An `S`
 * whose own ink stands that much taller than the line's capitals and digits, and hangs below the
 * baseline, is the `$` (an `S` overshoots each end by a pixel at most).
 */
export const DOLLAR_SIGNS = {
  /** Least height over the line's cap height, in cap heights (and 2 px). */
  overCap: 0.15,
  /** Least height in x-heights where the line has no capital or digit (an `S` is 1.3–1.45, `$` 1.65–1.8). */
  overXHeight: 1.55,
} as const;

/** Sets `$` for `S` in `lines` (in place; see DOLLAR_SIGNS). */
export function settleDollarSigns(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    if (!line.chars.some((c) => c.char === 'S')) return;
    const at = line.chars.map((c, i) => (c.char === ' ' ? -1 : i)).filter((i) => i >= 0);
    const glyphs = at.map((i) => line.chars[i]!);
    const mask = inkMask(crops[li]!);
    const own = glyphBlobs(glyphs, line.pxPerStep, mask);
    // Capitals and digits stand on the baseline: their feet are it, their height the cap height.
    const caps = own.filter((b, k) => b && CAP_HEIGHT.test(glyphs[k]!.char));
    // With no capital or digit on the line (`${message}`), against its small letters.
    const small = caps.length ? undefined : lineMetrics(glyphs, line.pxPerStep, mask);
    if (!caps.length && !small) return;
    const baseline = small?.baseline ?? median(caps.map((b) => b!.bottom));
    const cap = small ? 0 : median(caps.map((b) => b!.bottom - b!.top + 1));
    const tall = small ? DOLLAR_SIGNS.overXHeight * small.xh : cap + Math.max(2, DOLLAR_SIGNS.overCap * cap);
    glyphs.forEach((g, k) => {
      const b = own[k];
      if (g.char !== 'S' || !b) return;
      if (b.bottom > baseline && b.bottom - b.top + 1 >= tall) line.chars[at[k]!] = { ...g, char: '$' };
    });
  });
}
