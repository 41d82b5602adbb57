import type { CtcChar } from './ctc';
import { glyphBlobs, inkBlobs, inkMask, type Blob, type Mask } from './glyph-shape';
import type { LineGlyphs } from './one-or-ell';
import { sameBlob } from './paren-braces';
import type { Rgb } from './raster';

/**
 * Code marks CTC wrote once. Two like marks in a row fire on neighbouring time steps, and CTC
 * writes a repeated character once unless a blank step falls between: `keys(obj))` comes back
 * `keys(obj)`, `"//foo"` as `"/foo"`, `// or` as `/ or`. The crop still shows both: beside the
 * mark's own ink stands a twin (the same rows, the same width, the same strokes) no other glyph's
 * spike sits on; every twin in a row past the ones read is one more mark. (Dots and hyphens have
 * their own rules: merged-dots.ts, glyph-shape.ts; a brace beside a paren can pass for its twin in
 * small type, which paren-braces.ts, run next, tells.)
 */
export const MERGED_MARKS = {
  /** Most blank columns between twins, in the mark's height. */
  maxGap: 0.6,
  /** Least share of either blob's ink that the other has in its row, a column either way (aligned at their left edges). */
  minOverlap: 0.85,
  /** Farthest a spike on no ink of its own sits past the blob it reads, in the mark's height. */
  maxLag: 0.2,
  /** A mark this short (px) is too small to tell from a fleck. */
  minHeight: 6,
} as const;

/** Marks code doubles that CTC writes once: parens, brackets, braces, slashes. */
const REPEATABLE = /^[()[\]{}/\\]$/;

/**
 * Whether `b` is `a` again (or its mirror image): the same rows (±1), the same width (±1), its
 * ink where `a`'s is, give or take a column (anti-aliasing), both ways, and no closer to the other
 * orientation column for column (in small type `(` is `)` give or take a column).
 */
export function isTwin(mask: Mask, a: Blob, b: Blob, mirrored = false): boolean {
  if (Math.abs(a.top - b.top) > 1 || Math.abs(a.bottom - b.bottom) > 1 || Math.abs(a.x1 - a.x0 - (b.x1 - b.x0)) > 1) return false;
  const alike = (m: boolean, slack: number) => Math.min(matched(mask, a, b, m, slack), matched(mask, b, a, m, slack));
  return alike(mirrored, 1) >= MERGED_MARKS.minOverlap && alike(mirrored, 0) >= alike(!mirrored, 0);
}

/** Share of `a`'s ink with ink of `b` in the same row, at the same place from the left edge (from the right one, `mirrored`), or `slack` columns beside it. */
function matched(mask: Mask, a: Blob, b: Blob, mirrored: boolean, slack: number): number {
  const at = (x: number, y: number, o: Blob) => x >= o.x0 && x <= o.x1 && y >= o.top && y <= o.bottom && !!mask.ink[y * mask.width + x];
  let ink = 0;
  let hit = 0;
  for (let y = a.top; y <= a.bottom; y++) {
    for (let x = a.x0; x <= a.x1; x++) {
      if (!at(x, y, a)) continue;
      ink++;
      const bx = mirrored ? b.x1 - (x - a.x0) : b.x0 + x - a.x0;
      if (at(bx, y, b) || (slack > 0 && (at(bx - 1, y, b) || at(bx + 1, y, b)))) hit++;
    }
  }
  return ink ? hit / ink : 0;
}

/** Restores marks CTC merged in `lines` (in place; see MERGED_MARKS). */
export function restoreMergedMarks(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    if (!line.chars.some((c) => REPEATABLE.test(c.char))) return;
    const glyphs = line.chars.filter((c) => c.char !== ' ');
    const mask = inkMask(crops[li]!);
    const own = glyphBlobs(glyphs, line.pxPerStep, mask);
    const centres = glyphs.map((g) => ((g.start + g.end) / 2 + 0.5) * line.pxPerStep);
    const all = [...inkBlobs(mask)].sort((a, b) => a.x0 - b.x0);
    const extra = new Map<CtcChar, number[]>();
    for (let i = 0; i < glyphs.length; ) {
      let j = i;
      while (j + 1 < glyphs.length && glyphs[j + 1]!.char === glyphs[i]!.char && glyphs[j + 1]!.spaceBefore < 0.5) j++;
      const b = own[i];
      const run = j - i + 1;
      // `())` read `0)`: the `0` stands for the call's parens, the unread `)` among them (paren-rings.ts, code-glyphs.ts write them).
      const afterRing = glyphs[i]!.char === ')' && /^[0O]$/.test(glyphs[i - 1]?.char ?? '');
      if (REPEATABLE.test(glyphs[i]!.char) && b && b.bottom - b.top + 1 >= MERGED_MARKS.minHeight && !afterRing) {
        // Another glyph's blob: its own, or the ink its spike lags behind (a thin mark's spike can sit on no ink).
        const lag = (c: number, t: Blob) => c >= t.x0 - 1 && c <= t.x1 + Math.max(2, MERGED_MARKS.maxLag * (b.bottom - b.top + 1));
        const twins = twinRow(mask, all, b, (t) => glyphs.some((_, k) => (k < i || k > j) && ((own[k] !== undefined && sameBlob(own[k]!, t)) || lag(centres[k]!, t))));
        // The run's glyphs on the twins nearest their spikes, the others new, each at its own place.
        const unread = [...twins];
        for (const c of twins.length > run ? centres.slice(i, j + 1) : []) {
          const mid = (t: Blob) => Math.abs((t.x0 + t.x1) / 2 - c);
          unread.splice(unread.indexOf(unread.reduce((a, t) => (mid(t) < mid(a) ? t : a))), 1);
        }
        if (twins.length > run) extra.set(glyphs[i]!, unread.map((t) => (t.x0 + t.x1) / 2 / line.pxPerStep - 0.5));
      }
      i = j + 1;
    }
    if (!extra.size) return;
    const out: CtcChar[] = [];
    for (const c of line.chars) {
      const steps = extra.get(c) ?? [];
      const mark = (step: number): CtcChar => ({ ...c, start: step, end: step, spaceBefore: 0 });
      // A twin before the glyph read takes the blank before it.
      const before = steps.filter((t) => t < c.start).map(mark);
      if (before.length) before[0] = { ...before[0]!, spaceBefore: c.spaceBefore };
      out.push(...before, before.length ? { ...c, spaceBefore: 0 } : c, ...steps.filter((t) => t >= c.start).map(mark));
    }
    line.chars.splice(0, line.chars.length, ...out);
  });
}

/** `b` and its twins beside it, left to right, each within reach of the last; a blob `claimed` by another glyph ends the row. */
function twinRow(mask: Mask, all: readonly Blob[], b: Blob, claimed: (t: Blob) => boolean): Blob[] {
  const reach = MERGED_MARKS.maxGap * (b.bottom - b.top + 1);
  const row = [b];
  for (const dir of [-1, 1] as const) {
    let last = b;
    for (;;) {
      const next = all.find((t) => t !== last && !row.includes(t) && (dir > 0 ? t.x0 > last.x1 && t.x0 - last.x1 - 1 <= reach : t.x1 < last.x0 && last.x0 - t.x1 - 1 <= reach) && isTwin(mask, b, t));
      if (!next || claimed(next)) break;
      // Nothing else stands between them (a `)` a word away is no twin).
      if (all.some((o) => o !== next && o !== last && o.x0 > Math.min(last.x1, next.x1) && o.x1 < Math.max(last.x0, next.x0) && o.bottom >= b.top && o.top <= b.bottom)) break;
      if (dir > 0) row.push(next);
      else row.unshift(next);
      last = next;
    }
  }
  return row;
}
