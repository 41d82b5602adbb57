import { glyphBlobs, inkBlobs, inkMask, type Blob, type Mask } from './glyph-shape';
import type { LineGlyphs } from './one-or-ell';
import type { Rgb } from './raster';
import { median } from './median';

/**
 * A brace against a parenthesis, as JavaScript writes them (`});`, `}),`, `({ a })`,
 * `svelte({`), lost or read as another glyph: `});` comes back `);`, `D);` or `l),`, `({` as `((`
 * or `(t`. In a body font a brace reaches as high and as low as the parens, which no letter or
 * digit does, and its outer side comes to a point at mid-height where a paren's curve and a
 * bracket's bar run flat: ink beside a paren, on the paren's rows, whose outer side has such a
 * point, sharper than the paren's own curve, is the brace.
 */
export const PAREN_BRACES = {
  /** Most blank columns between the brace and its paren, in the paren's height. */
  maxGap: 0.6,
  /** Least paren height (px) for shapes to tell. */
  minHeight: 9,
  /** An outer side reaching its furthest column in at least this share of the rows is flat (a bracket, a bar). */
  flatRows: 0.5,
} as const;

/** What the recogniser reads a closing brace before `)` as, and an opening one after `(`. */
const CLOSE_LOOKALIKE = /^[D3lHI|1)\]]$/;
const OPEN_LOOKALIKE = /^[([tf]$/;

/** Restores braces beside parens in `lines` (in place; see PAREN_BRACES). */
export function restoreParenBraces(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  lines.forEach((line, li) => {
    if (!line.chars.some((c) => /^[()[\]]$/.test(c.char))) return;
    const at = line.chars.map((c, i) => (c.char === ' ' ? -1 : i)).filter((i) => i >= 0);
    const glyphs = at.map((i) => line.chars[i]!);
    const mask = inkMask(crops[li]!);
    const own = glyphBlobs(glyphs, line.pxPerStep, mask);
    const centres = glyphs.map((g) => ((g.start + g.end) / 2 + 0.5) * line.pxPerStep);
    const all = inkBlobs(mask);
    // A brace read as two marks (`${` read `$[(`): both spikes on one blob no two marks make.
    for (let k = glyphs.length - 2; k >= 0; k--) {
      const pair = glyphs[k]!.char + glyphs[k + 1]!.char;
      const brace = /^[[(]{2}$/.test(pair) ? '{' : /^[)\]]{2}$/.test(pair) ? '}' : undefined;
      // Each spike on that blob and near no other tall one (two parens a few columns apart are no brace).
      const tall = all.filter((b) => b.bottom - b.top + 1 >= PAREN_BRACES.minHeight);
      const near = (i: number) => tall.filter((b) => centres[i]! >= b.x0 - 2 && centres[i]! <= b.x1 + 2);
      const on = brace && at[k + 1] === at[k]! + 1 && glyphs[k + 1]!.spaceBefore < 0.5 ? [near(k), near(k + 1)] : undefined;
      const blob = on && on[0]!.length === 1 && on[1]!.length === 1 && on[0]![0] === on[1]![0] ? on[0]![0] : undefined;
      if (!brace || !blob || !pointOf(mask, blob, brace === '}' ? 1 : -1)) continue;
      line.chars.splice(at[k]!, 2, { ...glyphs[k]!, char: brace, end: glyphs[k + 1]!.end });
      // The line again, with the brace as one glyph.
      return restoreParenBraces([line], [crops[li]!]);
    }
    for (const [k, brace] of bracesReadAsParens(glyphs, own, mask)) glyphs[k] = line.chars[at[k]!] = { ...glyphs[k]!, char: brace };
    const inserts: Array<{ pos: number; char: string; x: number }> = [];
    glyphs.forEach((g, k) => {
      const paren = own[k];
      if ((g.char !== ')' && g.char !== '(') || !paren || paren.bottom - paren.top + 1 < PAREN_BRACES.minHeight) return;
      const closing = g.char === ')';
      const n = closing ? k - 1 : k + 1;
      const side = glyphs[n];
      if (side && (side.char === '{' || side.char === '}')) return;
      const blob = besideBlob(all, paren, closing ? -1 : 1);
      if (!blob || !isBrace(mask, paren, blob, closing ? 1 : -1)) return;
      const brace = closing ? '}' : '{';
      // A glyph's spike sits on its ink or a column or two beside it.
      const claimedBy = glyphs.findIndex((_, i) => i !== k && ((own[i] && sameBlob(own[i]!, blob)) || (centres[i]! >= blob.x0 - 1 && centres[i]! <= blob.x1 + 2)));
      // A glyph read there must be a look-alike with no space read between it and the paren.
      if (claimedBy >= 0 && (claimedBy !== n || !(closing ? CLOSE_LOOKALIKE : OPEN_LOOKALIKE).test(side!.char) || (closing ? g : side!).spaceBefore >= 0.5)) return;
      const read = glyphs.map((c) => c.char);
      const as = (mark: string) => (claimedBy >= 0 ? read.map((c, i) => (i === n ? mark : c)) : [...read.slice(0, closing ? k : k + 1), mark, ...read.slice(closing ? k : k + 1)]);
      if (pairsBetter(as(g.char), as(brace))) return;
      // Right against its paren (a space the recogniser read stays outside the pair).
      if (claimedBy < 0) inserts.push({ pos: closing ? at[k]! : at[k]! + 1, char: brace, x: (blob.x0 + blob.x1) / 2 });
      else line.chars[at[n]!] = { ...side!, char: brace };
    });
    for (const { pos, ...ins } of inserts.sort((a, b) => b.pos - a.pos)) {
      const step = ins.x / line.pxPerStep - 0.5;
      const next = line.chars[pos];
      line.chars.splice(pos, 0, { char: ins.char, start: step, end: step, prob: 0.5, spaceBefore: ins.char === '}' && next ? next.spaceBefore : 0 });
      if (ins.char === '}' && next) line.chars[pos + 1] = { ...next, spaceBefore: 0 };
    }
  });
}

/**
 * Braces read as parens away from a paren to judge them by (`{ label: 'x' ),`, `{:1x)`): a `)`
 * (or `(`) whose outer side comes to a point clearly sharper than the line's other parens facing
 * the same way do, on their rows, where the line pairs no better with the paren.
 */
function bracesReadAsParens(glyphs: readonly { char: string }[], own: ReadonlyArray<Blob | undefined>, mask: Mask): Map<number, string> {
  const found = new Map<number, string>();
  const read = glyphs.map((g) => g.char);
  for (const [paren, brace, outer] of [[')', '}', 1], ['(', '{', -1]] as const) {
    const all = glyphs.flatMap((g, k) => (g.char === paren && own[k] && own[k]!.bottom - own[k]!.top + 1 >= PAREN_BRACES.minHeight ? [k] : []));
    for (const k of all) {
      const others = all.filter((i) => i !== k).map((i) => own[i]!);
      const b = own[k]!;
      const rows = !others.length || (Math.abs(b.top - median(others.map((o) => o.top))) <= 1 && Math.abs(b.bottom - median(others.map((o) => o.bottom))) <= 1);
      const point = pointOf(mask, b, outer);
      if (!rows || point === undefined || point < 1) continue;
      const points = others.map((o) => pointOf(mask, o, outer) ?? 0);
      const asBrace = read.map((c, i) => (i === k ? brace : c));
      // Clearly sharper than the others where the line pairs no worse; or, where only the brace
      // pairs it better (`import (a, b}`, `{:1x)`), sharper than every other at all.
      const clearly = others.length > 0 && point >= Math.max(1, median(points)) + 1 && !pairsBetter(read, asBrace);
      if (!clearly && !(points.every((p) => p < point) && pairsBetter(asBrace, read))) continue;
      found.set(k, brace);
      read[k] = brace;
    }
  }
  // A bracket's outer side is one straight bar: one with a point at mid-height is a brace (`$['Ben'}`).
  glyphs.forEach((g, k) => {
    const b = own[k];
    const brace = g.char === '[' ? '{' : g.char === ']' ? '}' : undefined;
    if (!brace || !b || b.bottom - b.top + 1 < PAREN_BRACES.minHeight || !pointOf(mask, b, brace === '}' ? 1 : -1)) return;
    const read = glyphs.map((c) => c.char);
    if (!pairsBetter(read, read.map((c, i) => (i === k ? brace : c)))) found.set(k, brace);
  });
  return found;
}

/** How far the line's parens, braces and brackets are from pairing: unclosed and unopened ones of each. */
function unpaired(chars: readonly string[]): number {
  const count = (open: string, close: string) => chars.reduce((n, c) => n + (c === open ? 1 : c === close ? -1 : 0), 0);
  return Math.abs(count('(', ')')) + Math.abs(count('{', '}')) + Math.abs(count('[', ']'));
}

/**
 * In small type a paren's curve can come to a point as well: where the line with a paren there
 * pairs better than with the brace, it is the paren (`(contents))`, not `(contents})`); where both
 * pair as well (a line of a longer statement), the shape decides.
 */
export const pairsBetter = (asParen: readonly string[], asBrace: readonly string[]) => unpaired(asParen) < unpaired(asBrace);

/** The same ink (a glyph's own blob is found in its text band, the line's blobs in the whole crop). */
export const sameBlob = (a: Blob, b: Blob) => a.x0 === b.x0 && a.x1 === b.x1 && a.top === b.top && a.bottom === b.bottom;

/** The blob next to `b` on side `dir`, within reach and on its rows; undefined where none or where another stands between. */
function besideBlob(all: readonly Blob[], b: Blob, dir: 1 | -1): Blob | undefined {
  const reach = PAREN_BRACES.maxGap * (b.bottom - b.top + 1);
  const gap = (t: Blob) => (dir > 0 ? t.x0 - b.x1 - 1 : b.x0 - t.x1 - 1);
  const near = all.filter((t) => t !== b && gap(t) >= 0 && gap(t) <= reach && t.bottom >= b.top && t.top <= b.bottom);
  near.sort((p, q) => gap(p) - gap(q));
  return near[0];
}

/**
 * Whether `t` is a brace beside paren `p`: on the paren's rows (±1 at either end), and its outer
 * side (`outer` 1: right, −1: left) comes to a point at mid-height that stands out further from
 * the rows above and below it than the paren's curve does (a paren's mirror image, a bracket and
 * a slash are furthest out at their ends or all along).
 */
export function isBrace(mask: Mask, p: Blob, t: Blob, outer: 1 | -1): boolean {
  if (Math.abs(t.top - p.top) > 1 || Math.abs(t.bottom - p.bottom) > 1) return false;
  const point = pointOf(mask, t, outer);
  return point !== undefined && point >= (pointOf(mask, p, outer) ?? 0) + 1;
}

/**
 * How far the outer side's furthest column stands out past the rows an eighth to a quarter of
 * the height from the middle; undefined where it is reached away from the middle or along half
 * the rows (flat).
 */
export function pointOf(mask: Mask, b: Blob, outer: 1 | -1): number | undefined {
  const rows: Array<{ y: number; e: number }> = [];
  for (let y = b.top; y <= b.bottom; y++) {
    let edge: number | undefined;
    for (let x = b.x0; x <= b.x1; x++) if (mask.ink[y * mask.width + x]) edge = outer > 0 ? x : (edge ?? x);
    if (edge !== undefined) rows.push({ y, e: outer > 0 ? edge : -edge });
  }
  const h = b.bottom - b.top + 1;
  const mid = (b.top + b.bottom) / 2;
  const far = Math.max(...rows.map((r) => r.e));
  const tip = rows.filter((r) => r.e === far);
  if (tip.length >= PAREN_BRACES.flatRows * rows.length || tip.some((r) => Math.abs(r.y - mid) > h / 6)) return undefined;
  const flank = rows.filter((r) => Math.abs(r.y - mid) >= h / 8 && Math.abs(r.y - mid) <= h / 4);
  return flank.length ? far - Math.max(...flank.map((r) => r.e)) : undefined;
}
