import type { CtcChar } from './ctc';
import { glyphBlobs, inkMask, type Blob, type Mask } from './glyph-shape';
import { median } from './median';
import type { Rgb } from './raster';

/**
 * `1` and `l` by the page's own glyphs. At 48 px the recogniser reads the digit one of DejaVu
 * Sans Mono (a flag, a foot on both sides) as `l` after letters ("enc1" → "encl", "deb12u1" →
 * "deb12ul"); the shapes differ in every font, but each font draws them the same way all over
 * the page. So the page's sure ones are the models: a `1` read with confidence beside a digit
 * (line numbers, versions, dates) and an `l` read with confidence between small letters. Every
 * other `1` or `l` goes to the model its ink matches clearly better; where the font draws the two
 * alike, or the page lacks models of either, nothing changes.
 */
export const ONE_OR_ELL = {
  /** Least recogniser probability of a model glyph. */
  sureProb: 0.9,
  /** Least models of each kind on the page. */
  minModels: 1,
  /** A glyph changes only when its distance to the other model is below this share of its distance to its own. */
  ratio: 0.6,
  /** Smallest blob height (px) whose shape is worth comparing. */
  minHeight: 7,
  /** With no sure `1` on the page: the least sure `l`s that show how the font draws the letter. */
  minEllsAlone: 3,
  /** ... and how much further (in blob heights) a `1`'s flag reaches left of the stem at the head than theirs. */
  flag: 0.2,
} as const;

/**
 * Where the ink of a blob reaches past its stem, at its foot and at its head, left and right, in
 * blob heights: a `1` stands on a foot on both sides, DejaVu's `l` curls to the right only, a
 * serif `l` and `1` differ at the head. The stem: the columns inked down most of the middle rows.
 */
export function blobShape(mask: Mask, b: Blob): Float64Array {
  const h = b.bottom - b.top + 1;
  const inked = (x: number, y: number) => mask.ink[y * mask.width + x] === 1;
  const cols: number[] = [];
  for (let x = b.x0; x <= b.x1; x++) {
    let n = 0;
    for (let y = Math.round(b.top + 0.3 * h); y <= Math.round(b.bottom - 0.3 * h); y++) if (inked(x, y)) n++;
    cols.push(n);
  }
  const most = Math.max(...cols);
  const peak = b.x0 + cols.indexOf(most);
  let stemL = peak;
  let stemR = peak;
  while (stemL > b.x0 && cols[stemL - 1 - b.x0]! >= 0.5 * most) stemL--;
  while (stemR < b.x1 && cols[stemR + 1 - b.x0]! >= 0.5 * most) stemR++;
  const reach = (y0: number, y1: number): [number, number] => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let y = y0; y <= y1; y++) {
      for (let x = b.x0; x <= b.x1; x++) {
        if (!inked(x, y)) continue;
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
    }
    return lo > hi ? [0, 0] : [Math.max(0, stemL - lo) / h, Math.max(0, hi - stemR) / h];
  };
  const rows = Math.max(1, Math.round(0.15 * h));
  return Float64Array.from([...reach(b.bottom - rows + 1, b.bottom), ...reach(b.top, b.top + rows - 1)]);
}

const distance = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += (a[k]! - b[k]!) ** 2;
  return Math.sqrt(s);
};

function mean(shapes: readonly Float64Array[]): Float64Array {
  const m = new Float64Array(shapes[0]!.length);
  for (const s of shapes) for (let k = 0; k < m.length; k++) m[k]! += s[k]! / shapes.length;
  return m;
}

interface Found {
  line: number;
  glyph: number;
  shape: Float64Array;
  model?: '1' | 'l';
}

/** What a lone upright stroke is read as. */
const STROKES = /^[1lI]$/;
/** Glyphs that stand on the baseline: no descender in any common font. */
const ON_BASELINE = /^[acemnorsuvwxzABDEFHIKLMNOPRSTUVWXZ2-9]$/;

/**
 * A stroke read as `l`, `I` or `1` that reaches well below the line's baseline is a bar `|`
 * (none of the three has a descender; DejaVu Sans Mono's bar runs from above the capitals to
 * below the descenders): "XDG_CACHE_HOME || undefined" read "II".
 */
function barsBelowBaseline(glyphs: readonly CtcChar[], own: ReadonlyArray<Blob | undefined>): boolean[] {
  const bottoms = own.flatMap((b, i) => (b && ON_BASELINE.test(glyphs[i]!.char) ? [b.bottom] : []));
  if (bottoms.length < 2) return glyphs.map(() => false);
  const baseline = median(bottoms);
  // A bar is a plain stroke: `]` and `\\` descend too, but reach sideways.
  const upright = (b: Blob) => b.x1 - b.x0 + 1 <= Math.max(2, 0.2 * (b.bottom - b.top + 1));
  const bar = glyphs.map((g, i) => {
    const b = own[i];
    return !!b && STROKES.test(g.char) && upright(b) && b.bottom - baseline >= Math.max(2, 0.15 * (baseline - b.top + 1));
  });
  // The other stroke of "||" reaches as far down as its twin.
  return bar.map((is, i) => {
    const b = own[i];
    if (is || !b || !STROKES.test(glyphs[i]!.char) || !upright(b)) return is;
    return [i - 1, i + 1].some((k) => bar[k] && own[k]!.bottom - b.bottom <= 1 && b.bottom > baseline);
  });
}

export interface LineGlyphs {
  chars: CtcChar[];
  pxPerStep: number;
}

/** Sets `1` or `l` in `lines` (in place) by the page's model glyphs (see ONE_OR_ELL), and bars by their descent. */
export function settleOneOrEll(lines: readonly LineGlyphs[], crops: readonly Rgb[]): void {
  const found: Found[] = [];
  lines.forEach((line, li) => {
    if (!line.chars.some((c) => STROKES.test(c.char))) return;
    const mask = inkMask(crops[li]!);
    // The recogniser's spaces are no glyphs: blobs and neighbours among the glyphs only.
    const at = line.chars.map((c, i) => (c.char === ' ' ? -1 : i)).filter((i) => i >= 0);
    const glyphs = at.map((i) => line.chars[i]!);
    const own = glyphBlobs(glyphs, line.pxPerStep, mask);
    const bar = barsBelowBaseline(glyphs, own);
    glyphs.forEach((c, k) => {
      if (bar[k]) {
        line.chars[at[k]!] = { ...c, char: '|' };
        return;
      }
      const b = own[k];
      if ((c.char !== '1' && c.char !== 'l') || !b || b.bottom - b.top + 1 < ONE_OR_ELL.minHeight) return;
      const gi = at[k]!;
      // A sure `1` beside a digit, across a space too ("Dec  1 09:16"); a sure `l` inside a word (no space read either side).
      const sure = c.prob >= ONE_OR_ELL.sureProb;
      const digitBeside = /\d/.test(glyphs[k - 1]?.char ?? '') || /\d/.test(glyphs[k + 1]?.char ?? '');
      const after = line.chars[gi + 1];
      const inWord = c.spaceBefore < 0.5 && /[a-z]/.test(line.chars[gi - 1]?.char ?? '') && !!after && after.spaceBefore < 0.5 && /[a-z]/.test(after.char);
      const model = sure && c.char === '1' && digitBeside ? '1' : sure && c.char === 'l' && inWord ? 'l' : undefined;
      found.push({ line: li, glyph: gi, shape: blobShape(mask, b), ...(model ? { model } : {}) });
    });
  });
  const ones = found.filter((f) => f.model === '1');
  const ells = found.filter((f) => f.model === 'l');
  if (ones.length < ONE_OR_ELL.minModels && ells.length >= ONE_OR_ELL.minEllsAlone) return flagsWithoutOnes(lines, found, mean(ells.map((f) => f.shape)));
  if (ones.length < ONE_OR_ELL.minModels || ells.length < ONE_OR_ELL.minModels) return;
  const oneModel = mean(ones.map((f) => f.shape));
  const ellModel = mean(ells.map((f) => f.shape));
  for (const f of found) {
    if (f.model) continue;
    const c = lines[f.line]!.chars[f.glyph]!;
    const [own, other] = c.char === '1' ? [oneModel, ellModel] : [ellModel, oneModel];
    if (distance(f.shape, other) < ONE_OR_ELL.ratio * distance(f.shape, own)) lines[f.line]!.chars[f.glyph] = { ...c, char: c.char === '1' ? 'l' : '1' };
  }
}

/**
 * A page with no sure `1` ("us-east1, europe-west1" read "eastl, westl" in a sans font): an `l`
 * whose head reaches left of its stem clearly further than the page's sure `l`s do (the digit's
 * flag; a serif `l`'s head is in their model too) and no further right is the digit.
 */
function flagsWithoutOnes(lines: readonly LineGlyphs[], found: readonly Found[], ell: Float64Array): void {
  for (const f of found) {
    const c = lines[f.line]!.chars[f.glyph]!;
    if (f.model || c.char !== 'l') continue;
    if (f.shape[2]! - ell[2]! >= ONE_OR_ELL.flag && f.shape[3]! <= ell[3]! + 0.05) lines[f.line]!.chars[f.glyph] = { ...c, char: '1' };
  }
}
