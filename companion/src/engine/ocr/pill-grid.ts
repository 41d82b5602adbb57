import type { CtcChar } from './ctc';
import type { Pill } from './code-pills';

/**
 * Spaces that are not there inside an inline-code pill, told from its own character grid. The
 * code in a pill is monospace: narrow glyphs (`:`, `,`, `.`) leave blanks beside them as wide as
 * a proportional word space, and the recogniser often calls a space there ("DEBUG=connect
 * :bodyParser, connect: compress"). Neighbouring glyphs' CTC spikes are one pitch apart (two or
 * three CTC steps, so a single step is coarse but their mean is not), a typed space two pitches.
 * Returns the glyph indexes whose step from the glyph before is clearly one cell: no space there.
 * (Only spaces are taken away: where a space is typed, the usual rules already see its blank.)
 */
export const PILL_GRID = {
  /** Glyphs a pill needs before its pitch is measured. */
  minGlyphs: 6,
  /** Steps under this many times the pitch are neighbours (a space is about two). */
  neighbourSteps: 1.4,
} as const;

export function pillNeighbours(glyphs: readonly CtcChar[], pxPerStep: number, pills: readonly Pill[]): Set<number> {
  const out = new Set<number>();
  const centre = (g: CtcChar) => ((g.start + g.end) / 2 + 0.5) * pxPerStep;
  for (const pill of pills) {
    const inside = glyphs.flatMap((g, i) => (g.char !== ' ' && centre(g) > pill.x0 && centre(g) < pill.x1 ? [i] : []));
    if (inside.length < PILL_GRID.minGlyphs) continue;
    const steps = inside.slice(1).map((i, k) => centre(glyphs[i]!) - centre(glyphs[inside[k]!]!));
    // The pitch: the mean step among the shortest ones (the neighbours), a space's step left out.
    const sorted = [...steps].sort((a, b) => a - b);
    const low = sorted[Math.floor(sorted.length / 4)]!;
    const near = steps.filter((s) => s <= 1.6 * low);
    const pitch = near.reduce((s, v) => s + v, 0) / near.length;
    // Finer than 1.6 CTC steps a cell, the spikes cannot tell neighbours from a space.
    if (!(pitch >= 1.6 * pxPerStep)) continue;
    inside.slice(1).forEach((i, k) => {
      if (steps[k]! < PILL_GRID.neighbourSteps * pitch) out.add(i);
    });
  }
  return out;
}
