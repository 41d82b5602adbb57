import type { CtcChar } from './ctc';
import { median } from './median';
import type { Rgb } from './raster';
import { fixMonospaceCommentOpener } from './code-glyphs';
import { joinClosingTicks, joinOpeningTicks } from './tick-spacing';
import { spaceAfterComma } from './comma-spacing';
import { fixLatinConfusions, isCjk, isIdeograph } from './lookalikes';
import { correctByShape, inkMask, type Mask } from './glyph-shape';
import { findPills, insidePill, spaceAtPillEdge, type Pill } from './code-pills';
import { pillNeighbours } from './pill-grid';
import { backticksByShape } from './tick-shape';
import { restoreLostTicks } from './lost-ticks';
import { restoreLineEndBar } from './line-end-bars';
import { chineseLineSpace } from './chinese-line-gaps';
import { emptyParensByShape } from './paren-rings';
import { inkProfile, longestBlankRun } from './ink-profile';

/**
 * Word spacing from geometry, not word lists. The stock PP-OCR recogniser often drops
 * the space between English words ("InvoiceNo.FP2024"). Each CTC character knows the
 * time steps where it fired; between two neighbours we look at the crop's ink columns
 * and insert a space where the blank run is as wide as a word space in this line's font.
 */
export interface SpacingOptions {
  /** Space-class probability that alone means a space. */
  spaceProb: number;
  /** Weaker space probability that means a space when the image shows a word-sized gap. */
  weakSpaceProb: number;
  /** A blank run at least this many times the line's ink height is a word-sized gap. */
  gapRatio: number;
  /** A blank run this wide is a space whatever the recogniser says. */
  wideGapRatio: number;
  /** Between Chinese and Latin/digits, a blank run this wide is a typed space (the recogniser never predicts one there). */
  mixedGapRatio: number;
  /** Between two Chinese characters, a blank run this wide is a space (they leave no gap of their own). */
  cjkGapRatio: number;
}

export const DEFAULT_SPACING: SpacingOptions = {
  spaceProb: 0.2,
  weakSpaceProb: 0.01,
  gapRatio: 0.25,
  wideGapRatio: 0.45,
  // Measured on rendered Noto Sans CJK at 14–24 px: 0.29–0.32 × ink height with a space, ≤ 0.17 without.
  mixedGapRatio: 0.24,
  cjkGapRatio: 0.5,
};

/** Full-width punctuation (and curly quotes, full-width in Chinese fonts) carries its own blank; a space next to it is never typed. */
const CJK_PUNCT = /^[\u3000-\u303F\uFF01-\uFF0F\uFF1A-\uFF20\uFF3B-\uFF40\uFF5B-\uFF65\u2018\u2019\u201C\u201D]$/u;
/** Chinese marks with no ASCII look-alike ("、", "。", "《"): Chinese whatever stands beside them. */
const CHINESE_ONLY_PUNCT = /^[\u3001\u3002\u3008-\u3011\u3014-\u301F]$/u;
const ASCII_MARK = /^[\x21-\x7E]$/;
// Full-width forms too: in Latin text they are misread ASCII marks and spaced like them.
const NO_SPACE_AFTER = /^[([{_（]$/u;
const NO_SPACE_BEFORE = /^[)\]},.;:!?_%），：；！？]$/u;
/** A quote or brace on the inner side of a curly brace: `{ 'a'`, `'a' }`, `{ }`. */
const BRACE_SIDE = (a: string, b: string) => (a === '{' && /^['"}]$/.test(b)) || (/^['"]$/.test(a) && b === '}');
/** Bars and quote strokes: thin ink in a wide advance, so even unspaced ("||", "`true`/") they leave word-sized blanks. */
const THIN_MARK = /^[|`'"]$/;
/** A letter or digit on the inner side of an ASCII bracket: `{ x`, `x }` (not `_`, quotes, punctuation or full-width marks). */
const BRACKET_SIDE = (a: string, b: string) => (/^[([{]$/.test(a) && /^[A-Za-z0-9$]$/.test(b)) || (/^[A-Za-z0-9$]$/.test(a) && /^[)\]}]$/.test(b));

/**
 * Builds the line's text with a space wherever the recogniser saw one — even when the
 * space class lost the argmax to the blank (the usual way PP-OCR drops English spaces) —
 * or where the image has a clear word gap next to a weaker space signal.
 * Between two CJK characters only a confident space counts.
 */
export function spaceLine(chars: readonly CtcChar[], pxPerStep: number, crop: Rgb, opts: SpacingOptions = DEFAULT_SPACING): string {
  return spaceLineWithPitch(chars, pxPerStep, crop, opts).text;
}

/** Glyphs that proportional fonts set narrow. */
const NARROW = /^[ijlft1.,:;'!|()[\]]$/;

/** How far glyph centres sit from a grid of pitch `p` through `origin` (0 = on it, 0.5 = worst). */
function gridError(centres: readonly number[], p: number, origin = centres[0]!): number {
  let sum = 0;
  for (const c of centres) {
    const f = (c - origin) / p;
    sum += Math.abs(f - Math.round(f));
  }
  return sum / centres.length;
}

/**
 * Where a grid of pitch `p` best meets all the centres (their circular mean), as the grid point
 * nearest the first. A CTC step is a third of a cell or more in small type, so the first glyph's
 * centre alone can sit a third of a cell off: anchored there, a monospace line looks off-grid.
 */
export function gridOrigin(centres: readonly number[], p: number): number {
  let re = 0, im = 0;
  for (const c of centres) {
    re += Math.cos((2 * Math.PI * c) / p);
    im += Math.sin((2 * Math.PI * c) / p);
  }
  const phase = (Math.atan2(im, re) / (2 * Math.PI)) * p;
  return phase + Math.round((centres[0]! - phase) / p) * p;
}

/**
 * The character pitch of a monospace line, in crop pixels: every glyph centre sits on a grid of
 * one pitch. The last glyph is a whole number m of cells after the first, m at least the glyph
 * count less one (more where cells are blank); the m whose grid fits best wins, and the line is
 * monospace only if that fit is much better than chance (random positions are 0.25 off on
 * average). Undefined for proportional type or lines too short to tell.
 */
export function monospacePitch(glyphs: readonly CtcChar[], pxPerStep: number, known?: number): number | undefined {
  const centres = glyphs.map((g) => ((g.start + g.end) / 2 + 0.5) * pxPerStep);
  // With the page's pitch known (from its clean monospace lines), a short or noisy line (merged
  // "--", narrow dashes) only has to sit roughly on that grid.
  if (known !== undefined) return glyphs.length >= 2 && known > 1.6 * pxPerStep && gridError(centres, known, gridOrigin(centres, known)) <= 0.15 ? known : undefined;
  // Capitals and digits are near-monospace in any font: only narrow glyphs on the grid tell.
  if (glyphs.length < 10 || !glyphs.some((g) => NARROW.test(g.char))) return undefined;
  const span = centres[centres.length - 1]! - centres[0]!;
  let best = { p: 0, score: Infinity, err: Infinity };
  // Up to 1.6 × the glyphs: a grid at half the pitch fits as well, so it must stay out of reach.
  for (let m = glyphs.length - 1; m <= Math.ceil(1.6 * glyphs.length); m++) {
    const p = span / m;
    // A CTC step is the position's resolution: a pitch under ~1.6 steps cannot be told apart.
    if (p < 1.6 * pxPerStep) break;
    const err = gridError(centres, p);
    const score = err + 0.002 * (m - glyphs.length + 1);
    if (score < best.score) best = { p, score, err };
  }
  return best.err <= 0.12 ? best.p : undefined;
}

export interface SpacedLine {
  text: string;
  /** Monospace character pitch in crop pixels, when the line is monospace. */
  pitch?: number;
  /** The line spaced as proportional type (the same as `text` when there is no pitch). */
  proportionalText: string;
}

/** spaceLine, plus the pitch: a monospace line's spaces are its empty character cells. */
export function spaceLineWithPitch(chars: readonly CtcChar[], pxPerStep: number, crop: Rgb, opts: SpacingOptions = DEFAULT_SPACING, knownPitch?: number): SpacedLine {
  const read = chars.filter((c) => c.char !== ' ');
  if (read.length === 0) return { text: '', proportionalText: '' };
  // One Otsu mask per crop serves the glyph-shape fixes and the proportional spacing.
  const mask = inkMask(crop);
  // `()` read as one ring first (paren-rings.ts): the case fixes would take it for a letter.
  const shaped = backticksByShape(correctByShape(emptyParensByShape(read, pxPerStep, mask), pxPerStep, mask), pxPerStep, mask);
  // On a grid only open code's closing tick is looked for here: grid-ticks.ts reads each cell's stroke later.
  const glyphs = restoreLostTicks(shaped, pxPerStep, mask, { closingOnly: true });
  const text = joinClosingTicks(joinOpeningTicks(spaceProportional(restoreLineEndBar(restoreLostTicks(shaped, pxPerStep, mask), pxPerStep, mask), pxPerStep, mask, opts, findPills(crop))));
  // Chinese text has no Latin grid; a full-width bracket or colon read in code ("items）") is no Chinese.
  const pitch = glyphs.some((g) => isCjk(g.char) && !CJK_PUNCT.test(g.char)) ? undefined : monospacePitch(glyphs, pxPerStep, knownPitch);
  if (pitch === undefined) return { text, proportionalText: text };
  // Monospace: each glyph's cell counted from the first glyph's (not from its neighbour, so
  // position noise does not add up); the spaces are the empty cells between. On a known (page)
  // pitch the first glyph's cell is where the grid that fits all glyphs puts it.
  const centres = glyphs.map((g) => (g.start + g.end) / 2);
  const c0 = knownPitch === undefined ? centres[0]! : gridOrigin(centres, pitch / pxPerStep);
  let mono = glyphs[0]!.char;
  let cell = 0;
  const cellOf = (g: CtcChar) => (((g.start + g.end) / 2 - c0) * pxPerStep) / pitch;
  for (let i = 1; i < glyphs.length; i++) {
    let at = Math.max(cell + 1, Math.round((((glyphs[i]!.start + glyphs[i]!.end) / 2 - c0) * pxPerStep) / pitch));
    // A hyphen's narrow glyph puts its spike anywhere in its cell: "--" sits one cell apart
    // unless the spikes are clearly two apart ("- -" in "-rw-r--r--", "--help" is never meant).
    if (at === cell + 2 && glyphs[i]!.char === '-' && glyphs[i - 1]!.char === '-' && cellOf(glyphs[i]!) - cellOf(glyphs[i - 1]!) < 1.75) at = cell + 1;
    // A confident space from the recogniser stays, whatever the grid says.
    mono += ' '.repeat(Math.max(glyphs[i]!.spaceBefore >= 0.5 ? 1 : 0, at - cell - 1)) + glyphs[i]!.char;
    cell = at;
  }
  return { text: fixMonospaceCommentOpener(fixLatinConfusions(mono)), pitch, proportionalText: text };
}

function spaceProportional(glyphs: readonly CtcChar[], pxPerStep: number, mask: Mask, opts: SpacingOptions, pills: readonly Pill[] = []): string {
  const { columns, inkHeight } = inkProfile(mask);
  // CTC spikes sit inside their glyphs; the gap between two glyphs lies between the spikes.
  const between = (i: number): [number, number] => [Math.floor((glyphs[i - 1]!.end + 0.5) * pxPerStep), Math.ceil((glyphs[i]!.start + 0.5) * pxPerStep)];
  const gaps = glyphs.slice(1).map((_, i) => longestBlankRun(columns, ...between(i + 1)));
  // A gap the recogniser did not call a space must also stand out from the line's usual letter
  // gap: monospace letters ("retu rn") leave gaps that proportional fonts keep for words.
  const typical = gaps.length >= 4 ? median(gaps) : 0;
  // Is glyph k Chinese? The line's ends count as Chinese context for the punctuation beside them.
  const cjkAt = (k: number) => k < 0 || k >= glyphs.length || isCjk(glyphs[k]!.char);
  // Inside a pill, its own monospace grid tells the spaces (see pill-grid.ts).
  const pillNext = pills.length ? pillNeighbours(glyphs, pxPerStep, pills) : new Set<number>();
  const chinese = glyphs.some((g) => isIdeograph(g.char));
  let text = glyphs[0]!.char;
  for (let i = 1; i < glyphs.length; i++) {
    const a = glyphs[i - 1]!;
    const b = glyphs[i]!;
    const p = b.spaceBefore;
    const gap = gaps[i - 1]!;
    let space: boolean;
    let extra: boolean | undefined;
    // At an inline-code pill's edge only the blank outside the pill counts (see code-pills.ts).
    const atPill = pills.length ? spaceAtPillEdge(pills, columns, ...between(i), inkHeight) : undefined;
    // Full-width punctuation after (or before) Chinese is Chinese punctuation; after Latin it is a
    // misread ASCII mark ("items）{") and spaced like one.
    const afterChinesePunct = CJK_PUNCT.test(a.char) && (cjkAt(i - 2) || CHINESE_ONLY_PUNCT.test(a.char));
    // An opening quote after Chinese text is Chinese too ("文字是“a”").
    const beforeChinesePunct = CJK_PUNCT.test(b.char) && (isCjk(a.char) || cjkAt(i + 1));
    // A printf format after Chinese ("分配 %lu 字节") is Latin beside Chinese, spaced by the image (below).
    const formatAfterChinese = b.char === '%' && isIdeograph(a.char);
    if (atPill !== undefined) {
      space = atPill;
    } else if (pills.length && insidePill(pills, ...between(i))) {
      // Code in a pill is monospace: its letters leave gaps a proportional font keeps for words.
      space = p >= 0.5 || gap >= Math.max(3, opts.wideGapRatio * inkHeight);
    } else if (afterChinesePunct && !isCjk(b.char) && !CHINESE_ONLY_PUNCT.test(a.char)) {
      // "目录：{model}" is often an ASCII colon and a space in a Chinese font: the recogniser gives
      // the space a weak but non-zero probability there, and none after a true full-width colon.
      space = p >= opts.weakSpaceProb && gap >= Math.max(2, opts.gapRatio * inkHeight);
    } else if (isIdeograph(a.char) && isIdeograph(b.char) && gap >= opts.cjkGapRatio * inkHeight) {
      // A blank as wide as most of a Chinese character is typed, whatever the model says
      // (a terminal's column gap: "--context=数值  打印").
      space = true;
    } else if (text === '-' && NO_SPACE_BEFORE.test(b.char) && glyphs[i + 1]?.char !== ',') {
      // A dash opening the line before a mark that takes no space ("- %s 已被替换", "- .env"): a bullet's blank (see below) is typed.
      space = p >= 0.5 || gap >= Math.max(4, 0.2 * inkHeight);
    } else if ((isCjk(a.char) && isCjk(b.char)) || afterChinesePunct || beforeChinesePunct || NO_SPACE_AFTER.test(a.char) || (NO_SPACE_BEFORE.test(b.char) && !formatAfterChinese)) {
      // Typography: no space inside brackets, before closing punctuation, around underscores
      // (a low glyph that leaves a blank-looking gap); only a confident space counts there.
      // Code set in a sans body font does space its braces ("{ help: 'foo' }"): inside a bracket a
      // blank of a word gap that stands out from the line's letter gaps is typed, beside a letter
      // or digit (a monospace bracket's own blank is half a cell; beside a narrow quote, as in
      // `('x')`, monospace leaves a word gap of blank).
      // A brace beside a quote, or two braces, spaced in a sans font ("{ a: 'bar' }", "{ }"), leave a blank of a fifth of the
      // ink height; unspaced ("'bar'}", "{}") they nearly touch.
      space = p >= 0.5 || (BRACKET_SIDE(a.char, b.char) && p >= opts.weakSpaceProb && gap >= Math.max(3, opts.gapRatio * inkHeight, 2 * typical)) || (BRACE_SIDE(a.char, b.char) && gap >= Math.max(3, 0.18 * inkHeight));
    } else if (p >= opts.spaceProb) {
      space = true;
    } else if (a.char === '/' && text.endsWith('//') && !text.endsWith('://') && p >= 0.05 && gap >= 3) {
      // After a comment's `//` a blank of 3 px with some space signal is the typed space ("// You"); a path's or URL's
      // slashes touch what follows (≤ 2 px, no signal).
      space = true;
    } else if (!cjkAt(i - 2) && (extra = spaceAfterComma(a.char, b.char, gap, inkHeight)) !== undefined) {
      // A comma in Latin text or code: the blank after its blot decides (see comma-spacing.ts).
      space = extra;
    } else if (chinese && (extra = chineseLineSpace(glyphs, i, gaps, inkHeight)) !== undefined) {
      // Latin on a Chinese line: the blank decides (see chinese-line-gaps.ts).
      space = extra;
    } else if ((a.char === '-' && /^[A-Za-z0-9-]$/.test(b.char)) || (b.char === '-' && /^[A-Za-z0-9]$/.test(a.char))) {
      // "drwxr-xr-x", "well-known", "--build" (in a Chinese line, off the grid): a hyphen's narrow glyph leaves blanks as wide as a
      // word gap in monospace type; only the recogniser's own space counts there, or a dash standing
      // alone after a space with a fair blank and some space probability after it ("[2.1.0] - 2016-07-07", "x - enables").
      // (a flag's "-D" leaves a third of that blank and gets no space probability at all).
      // A bullet opening the line stands a word gap off its text whatever the probability ("- added").
      // (A flag's "-v" opening a line leaves 1–2 px, a bullet's blank is a fifth of the ink height or more, ≥ 4 px;
      // a monospace flag's dash leaves as much, but its letter is followed by a comma: "-V, --version".)
      // A bullet before a flag ("-   -Z, --selinux-user": 11 px in 15 px ink) stands far off it; a flag's own "--" leaves a
      // pixel or two in a sans font, 5 px in 12–15 px ink in a monospace one read off its grid.
      const bullet = text === '-' && glyphs[i + 1]?.char !== ',' && gap >= (b.char === '-' ? Math.max(6, 0.5 * inkHeight) : Math.max(4, 0.2 * inkHeight));
      space = p >= 0.3 || bullet || (a.char === '-' && text.endsWith(' -') && p >= 0.05 && gap >= Math.max(3, 0.35 * inkHeight));
    } else if ((a.char === '.' && /^[a-z]$/.test(b.char)) || (b.char === '(' && /^[A-Za-z0-9_]$/.test(a.char))) {
      // "file.read", "open(": code joints where the narrow glyph leaves a blank as wide as a word
      // gap in monospace type. Without a fair space probability, only a wide gap plus a hint counts.
      // (A dot before a capital is a sentence or "No. FP2024": the usual rules.)
      space = p >= opts.weakSpaceProb && gap >= Math.max(3, opts.wideGapRatio * inkHeight, 2 * typical);
    } else if ((isIdeograph(a.char) && ASCII_MARK.test(b.char)) || (ASCII_MARK.test(a.char) && isIdeograph(b.char))) {
      // Chinese beside Latin or digits ("使用 Qwen 模型"): the space is a matter of style, so the
      // image decides; the recogniser gives it no probability either way.
      // A dash opening a line of Chinese is a bullet ("- 没有指定源"): a blank standing out from the line's glyph gaps is its
      // space. A short line has no gaps to measure, and a monospace flag ("-数值") leaves 3 px too.
      space = gap >= (text === '-' && typical > 0 ? Math.max(3, 2 * typical) : Math.max(3, opts.mixedGapRatio * inkHeight, 2 * typical));
    } else {
      // A fair signal needs less blank, if it is twice the line's letter gaps ("for optimal" at 4 px in 17 px ink).
      space = gap >= Math.max(3, opts.wideGapRatio * inkHeight, 2 * typical) || (p >= opts.weakSpaceProb && gap >= Math.max(2, opts.gapRatio * inkHeight)) || (p >= 0.05 && !THIN_MARK.test(a.char) && !THIN_MARK.test(b.char) && gap >= Math.max(3, 2 * typical, 0.2 * inkHeight));
    }
    if (space && !pillNext.has(i)) text += ' ';
    text += b.char;
  }
  return fixLatinConfusions(text);
}
