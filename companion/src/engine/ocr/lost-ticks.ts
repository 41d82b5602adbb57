import type { CtcChar } from './ctc';
import { inkBlobs, type Mask } from './glyph-shape';
import { inkRows, strokeAt, TICK_SHAPE } from './tick-shape';

/**
 * The closing backtick of raw inline code in proportional type (a README read as drawn:
 * "`magentaBright" for "`magentaBright`"): the recogniser often emits nothing for the thin
 * stroke after the word. Where a line's backticks leave code open, ink no glyph's spike sits on
 * that is a backtick's stroke (small, high in the line, falling to the right: tick-shape.ts),
 * right after a glyph of the open code, is that backtick. An apostrophe stands upright and a
 * closing quote leans the other way, so neither is taken for one.
 */
export function restoreClosingTicks(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask): CtcChar[] {
  const ticks = glyphs.filter((g) => g.char === '`').length;
  if (ticks % 2 === 0) return [...glyphs];
  const rows = inkRows(mask);
  if (!rows) return [...glyphs];
  const [y0, y1] = rows;
  const h = y1 - y0;
  const centre = (g: CtcChar) => ((g.start + g.end) / 2 + 0.5) * pxPerStep;
  const centres = glyphs.map(centre);
  const candidates = inkBlobs(mask)
    .filter((b) => b.bottom - b.top + 1 <= TICK_SHAPE.maxHeight * h && b.bottom < y0 + h / 2 && b.x1 - b.x0 + 1 <= 0.4 * h)
    .filter((b) => !centres.some((c) => c >= b.x0 - 1 && c <= b.x1 + 2))
    .filter((b) => (strokeAt(mask, (b.x0 + b.x1) / 2, b.x0, b.x1 + 1, b.top, b.bottom + 1)?.lean ?? 0) >= TICK_SHAPE.minLean)
    .sort((a, b) => a.x0 - b.x0);
  const out = [...glyphs];
  for (const b of candidates) {
    const x = (b.x0 + b.x1) / 2;
    const at = out.findIndex((g) => centre(g) > x);
    const k = at < 0 ? out.length : at;
    const before = out.slice(0, k);
    const open = before.filter((g) => g.char === '`').length % 2 === 1;
    const prev = before[before.length - 1];
    // Right after the code's last glyph: a word character, a bracket or a dot, not a blank's far side.
    if (!open || !prev || prev.char === '`' || x - centre(prev) > 0.9 * h) continue;
    const step = x / pxPerStep - 0.5;
    out.splice(k, 0, { char: '`', start: step, end: step, prob: 0.5, spaceBefore: 0 });
  }
  return out;
}
