import { describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { spaceLine } from './spacing';
import type { Rgb } from './raster';

/** A white crop with black vertical bars where the glyphs are (10 px per time step). */
function crop(glyphSteps: number[], width: number): Rgb {
  const height = 20;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const s of glyphSteps) {
    for (let y = 4; y < 16; y++) for (let x = s * 10 + 1; x < s * 10 + 9; x++) data.set([0, 0, 0], (y * width + x) * 3);
  }
  return { data, width, height };
}

/** A white crop with black bars over the given pixel columns (`[from, to)` each). */
function barsAt(spans: Array<[number, number]>, width: number, [top, bottom] = [4, 16]): Rgb {
  const height = 20;
  const data = new Uint8Array(width * height * 3).fill(255);
  for (const [from, to] of spans) for (let y = top; y < bottom; y++) for (let x = from; x < to; x++) data.set([0, 0, 0], (y * width + x) * 3);
  return { data, width, height };
}

const ch = (char: string, step: number, spaceBefore = 0): CtcChar => ({ char, start: step, end: step, prob: 0.99, spaceBefore });

describe('word spacing', () => {
  it('inserts a space where the recogniser gave the space class a fair probability', () => {
    // (An `a`, not a `u`: the blocks are all as tall as capitals, and a `u` that tall is read `U`.)
    const chars = [ch('N', 0), ch('a', 1), ch('.', 2), ch('F', 4, 0.4), ch('P', 5)];
    expect(spaceLine(chars, 10, crop([0, 1, 2, 4, 5], 80))).toBe('Na. FP');
  });

  it('inserts a space for a weak space signal only when the image shows a word gap', () => {
    const chars = [ch('a', 0), ch('b', 1, 0.05), ch('c', 4, 0.05)];
    // a|b touch (no gap); b → c has two empty steps.
    expect(spaceLine(chars, 10, crop([0, 1, 4], 60))).toBe('ab c');
  });

  it('keeps no space without any space signal, and none between CJK characters', () => {
    expect(spaceLine([ch('a', 0), ch('b', 1)], 10, crop([0, 1], 60))).toBe('ab');
    expect(spaceLine([ch('图', 0), ch('片', 1, 0.3)], 10, crop([0, 1], 60))).toBe('图片');
  });

  it('spaces a dash standing alone between words, not a flag\'s dash', () => {
    // "a - 20": blanks of 12 px (over a third of the 12 px ink) around the dash, a weak space signal after it.
    const spaced = [ch('a', 0), ch('-', 2, 0.4), ch('2', 4, 0.1), ch('0', 5)];
    expect(spaceLine(spaced, 10, crop([0, 2, 4, 5], 70))).toBe('a - 20');
    // "a -D": the same blank but no space signal after the dash.
    const flag = [ch('a', 0), ch('-', 2, 0.4), ch('D', 4, 0.00001), ch('E', 5)];
    expect(spaceLine(flag, 10, crop([0, 2, 4, 5], 70))).toBe('a -DE');
  });

  it('spaces a bullet opening the line off its text, without any space signal ("- added"), not a flag touching its letter', () => {
    const bullet = [ch('-', 0), ch('a', 2, 0), ch('d', 3)];
    expect(spaceLine(bullet, 10, crop([0, 2, 3], 50))).toBe('- ad');
    const flag = [ch('-', 0), ch('a', 1, 0), ch('d', 2)];
    expect(spaceLine(flag, 10, crop([0, 1, 2], 50))).toBe('-ad');
    // A blank of a third of the 12 px ink height (4 px) is a bullet's; the same blank before a letter and a comma is a monospace flag's ("-V, --version").
    expect(spaceLine([ch('-', 0), ch('a', 1, 0.05), ch('d', 2)], 10, barsAt([[1, 9], [13, 19], [21, 29]], 40))).toBe('- ad');
    expect(spaceLine([ch('-', 0), ch('V', 1, 0.05), ch(',', 2)], 10, barsAt([[1, 9], [13, 19], [21, 24]], 40))).toBe('-V,');
    // Before a mark that otherwise takes no space ("- %s 已被替换", "- .env"), but not a negative number's dash touching it ("-.5").
    expect(spaceLine([ch('-', 0), ch('%', 2), ch('s', 3), ch('已', 5)], 10, crop([0, 2, 3, 5], 70))).toBe('- %s 已');
    expect(spaceLine([ch('-', 0), ch('.', 2), ch('e', 3), ch('n', 4)], 10, crop([0, 2, 3, 4], 60))).toBe('- .en');
    expect(spaceLine([ch('-', 0), ch('.', 1), ch('5', 2)], 10, crop([0, 1, 2], 40))).toBe('-.5');
    // Before a flag's dash a blank of many pixels (an option listing's "-   -Z"), not a flag's own "--" (see below).
    expect(spaceLine([ch('-', 0), ch('-', 2), ch('Z', 3), ch(',', 4)], 10, crop([0, 2, 3, 4], 60))).toBe('- -Z,');
    expect(spaceLine([ch('-', 0), ch('-', 1), ch('Z', 2)], 10, crop([0, 1, 2], 40))).toBe('--Z');
    // Before Chinese, a blank twice the glyph gaps: 3 px in a 14 px line, its glyphs 1 px apart ("- 没有指定源"); a dash touching it none.
    const spans = (blank: number): Array<[number, number]> => [[0, 6], [6 + blank, 21 + blank], [22 + blank, 37 + blank], [38 + blank, 53 + blank], [54 + blank, 69 + blank]];
    const zh = [ch('-', 0), ch('没', 1), ch('有', 2), ch('指', 3), ch('定', 4)];
    const at = (blank: number) => zh.map((c, k) => ({ ...c, start: k === 0 ? 0 : (spans(blank)[k]![0] + 7) / 10, end: k === 0 ? 0 : (spans(blank)[k]![0] + 7) / 10 }));
    expect(spaceLine(at(3), 10, barsAt(spans(3), 200, [3, 17]))).toBe('- 没有指定');
    expect(spaceLine(at(1), 10, barsAt(spans(1), 200, [3, 17]))).toBe('-没有指定');
    // A line too short to measure its gaps is a monospace flag as likely ("-数值", its hyphen 3 px off the glyph too).
    expect(spaceLine(at(3).slice(0, 3), 10, barsAt(spans(3).slice(0, 3), 200, [3, 17]))).toBe('-没有');
  });

  it('takes a fair space signal with a blank twice the letter gaps and a fifth of the ink height for a space ("for optimal"), not between bars ("||")', () => {
    // Letters 6 px wide, 2 px apart, one 4 px blank; ink 18 px tall (a quarter of it would be 4.5 px).
    const spans: Array<[number, number]> = [[0, 6], [8, 14], [16, 22], [26, 32], [34, 40]];
    const at = (cs: string) => [...cs].map((c, k) => ch(c, [1, 5, 9, 14, 18][k]!, k === 3 ? 0.06 : 0));
    expect(spaceLine(at('ABCDE'), 2, barsAt(spans, 100, [1, 19]))).toBe('ABC DE');
    expect(spaceLine(at('AB||E'), 2, barsAt(spans, 100, [1, 19]))).toBe('AB||E');
  });

  it('treats a very wide blank run as a space even without a space signal', () => {
    expect(spaceLine([ch('a', 0), ch('b', 4)], 10, crop([0, 4], 60))).toBe('a b');
  });

  it('needs a wide blank run to stand out from the line\'s usual letter gap (monospace fonts)', () => {
    // Glyphs two steps apart everywhere (monospace-like letter gaps of ~12 px), a word gap of four steps.
    const steps = [0, 2, 4, 6, 8, 12, 14];
    const chars = 'returns'.split('').map((c, i) => ch(c, steps[i]!));
    expect(spaceLine(chars, 10, crop(steps, 160))).toBe('retur ns');
  });

  it('between Chinese and Latin or digits, follows the image: a space where one was typed, none where not', () => {
    // Bars 8 px wide every 10 px: neighbouring steps leave 2 px of blank, a skipped step 12 px.
    const typed = [ch('用', 0), ch('Q', 2), ch('w', 3), ch('e', 4), ch('n', 5), ch('模', 7)];
    expect(spaceLine(typed, 10, crop([0, 2, 3, 4, 5, 7], 90))).toBe('用 Qwen 模');
    const untyped = [ch('用', 0), ch('Q', 1), ch('w', 2), ch('e', 3), ch('n', 4), ch('模', 5)];
    expect(spaceLine(untyped, 10, crop([0, 1, 2, 3, 4, 5], 70))).toBe('用Qwen模');
    // A printf format after Chinese is spaced by its blank too ("分配 %lu 字节"), a percent after a figure never ("50%").
    expect(spaceLine([ch('分', 0), ch('配', 1), ch('%', 3), ch('l', 4), ch('u', 5)], 10, crop([0, 1, 3, 4, 5], 70))).toBe('分配 %lu');
    expect(spaceLine([ch('分', 0), ch('配', 1), ch('%', 2), ch('l', 3), ch('u', 4)], 10, crop([0, 1, 2, 3, 4], 60))).toBe('分配%lu');
    expect(spaceLine([ch('为', 0), ch('5', 1), ch('0', 2), ch('%', 4)], 10, crop([0, 1, 2, 4], 60))).toBe('为50%');
    // A full-width comma misread in code is not Chinese text: no gap-only space before it.
    const code = [ch('"', 0), ch('s', 1), ch('"', 2), ch('，', 4), ch('{', 6, 0.3), ch('}', 7)];
    expect(spaceLine(code, 10, crop([0, 1, 2, 4, 6, 7], 90))).toBe('"s", {}');
  });

  it('puts no space after full-width punctuation, which carries its own blank', () => {
    expect(spaceLine([ch('见', 0), ch('：', 1), ch('h', 4), ch('t', 5)], 10, crop([0, 1, 4, 5], 70))).toBe('见：ht');
    // …unless the recogniser hints at one after it: an ASCII colon and a space in code ("目录: {model}").
    expect(spaceLine([ch('录', 0), ch('：', 1), ch('{', 4, 0.05), ch('m', 5)], 10, crop([0, 1, 4, 5], 70))).toBe('录： {m');
    expect(spaceLine([ch('录', 0), ch('：', 1), ch('{', 4), ch('m', 5)], 10, crop([0, 1, 4, 5], 70))).toBe('录：{m');
    // Curly quotes are full-width in Chinese fonts: none around “隐私” after 和, one before “quoted” in English.
    expect(spaceLine([ch('和', 0), ch('“', 2), ch('隐', 3), ch('私', 4), ch('”', 5), ch('已', 7)], 10, crop([0, 2, 3, 4, 5, 7], 90))).toBe('和“隐私”已');
    expect(spaceLine([ch('s', 0), ch('“', 2, 0.3), ch('q', 3)], 10, crop([0, 2, 3], 50))).toBe('s “q');
    expect(spaceLine([ch('是', 0), ch('“', 2), ch('a', 3)], 10, crop([0, 2, 3], 50))).toBe('是“a');
  });

  it('keeps code joints closed: no space after a dot before a letter or before a call bracket on the gap alone', () => {
    // Monospace: "file.read(" with the blank a narrow glyph leaves, and weak space hints.
    const chars = [ch('e', 0), ch('.', 2, 0.07), ch('r', 4, 0.02), ch('d', 5), ch('(', 7, 0.02), ch('x', 8)];
    // Every gap here is 2 or 12 px with weak hints: the general weak-hint rule would space ".r" and "d(".
    expect(spaceLine(chars, 10, crop([0, 2, 4, 5, 7, 8], 100))).toBe('e.rd(x');
    // A sentence end before a new word still gets its space when the recogniser says so.
    expect(spaceLine([ch('a', 0), ch('.', 1), ch('F', 3, 0.4)], 10, crop([0, 1, 3], 50))).toBe('a. F');
  });

  it('spaces a comma from the code after it by the blank alone (a typed space leaves a fifth of the ink height), not a comma touching its next glyph', () => {
    // "a,b": the comma's blot over 10–13 px, `b` from 4 px (typed space) or 2 px (none) after it; no space signal.
    const chars = [ch('a', 0), ch(',', 1), ch('b', 2, 0.004)];
    expect(spaceLine(chars, 10, barsAt([[1, 9], [10, 14], [18, 27]], 40))).toBe('a, b');
    expect(spaceLine(chars, 10, barsAt([[1, 9], [10, 14], [16, 27]], 40))).toBe('a,b');
    // Digits after a comma are a thousands group, whatever the blank.
    const digits = [ch('4', 0), ch(',', 1), ch('7', 2, 0.004)];
    expect(spaceLine(digits, 10, barsAt([[1, 9], [10, 14], [18, 27]], 40))).toBe('4,7');
  });

  it('spaces a closing brace off a quote by a blank of a fifth of the ink height ("\'bar\' }"), not a brace touching it', () => {
    // Ink 12 px tall: a 3 px blank is a typed space, 1 px is none; no space signal at all.
    const chars = [ch('a', 0), ch("'", 1), ch('}', 2, 0)];
    expect(spaceLine(chars, 10, barsAt([[1, 9], [13, 16], [19, 27]], 40))).toBe("a' }");
    expect(spaceLine(chars, 10, barsAt([[1, 9], [13, 16], [17, 27]], 40))).toBe("a'}");
  });

  it('spaces a comment\'s `//` off its text on a weak signal and a 3 px blank, not a URL\'s', () => {
    const comment = [ch('/', 0), ch('/', 1), ch('X', 2, 0.1), ch('Y', 3)];
    // Ink 18 px tall: a 3 px blank is under a quarter of it, so only the comment's rule spaces it.
    expect(spaceLine(comment, 10, barsAt([[1, 9], [11, 15], [18, 27], [29, 37]], 100, [1, 19]))).toBe('// XY');
    const url = [ch(':', 0), ch('/', 1), ch('/', 2), ch('e', 3, 0.1)];
    expect(spaceLine(url, 10, barsAt([[1, 9], [11, 19], [21, 25], [28, 37]], 100, [1, 19]))).toBe('://e');
  });

  it('keeps spaces the recogniser emitted', () => {
    const chars = [ch('a', 0), ch(' ', 2), ch('b', 4, 0.95)];
    expect(spaceLine(chars, 10, crop([0, 4], 60))).toBe('a b');
  });

  it('keeps two hyphens together on a weak space signal ("--anchored" in a Chinese line, off the grid)', () => {
    // As measured on a terminal page read before its grid: 5 px between the hyphens in 12 px ink.
    const hyphens: Array<[number, number]> = [[2, 8], [13, 19], [21, 29], [31, 39]];
    expect(spaceLine([ch('-', 0.5), ch('-', 1.6, 0.1), ch('a', 2.5), ch('n', 3.5)], 10, barsAt(hyphens, 50))).toBe('--an');
  });

  it('puts a space between two Chinese characters only where the blank is half a character wide', () => {
    // Blocks 8 px wide, ink height 12: a 14 px blank (two steps) is a column gap, a 2 px one is not.
    expect(spaceLine([ch('数', 0), ch('值', 2), ch('打', 3)], 10, crop([0, 2, 3], 60))).toBe('数 值打');
  });
  it('spaces the inside of a bracket only where the blank stands out from the letter gaps (code in a sans body font)', () => {
    // "{ help }": bars 8 px wide, neighbours 2 px apart, a 12 px blank inside each brace, a weak space hint.
    const spaced = [ch('{', 0), ch('h', 2, 0.05), ch('e', 3), ch('l', 4), ch('p', 5), ch('}', 7, 0.05)];
    expect(spaceLine(spaced, 10, crop([0, 2, 3, 4, 5, 7], 90))).toBe('{ help }');
    // The same blank with no hint at all, or where every letter gap is as wide (monospace), stays closed.
    const unhinted = [ch('{', 0), ch('h', 2), ch('e', 3), ch('l', 4), ch('p', 5), ch('}', 7)];
    expect(spaceLine(unhinted, 10, crop([0, 2, 3, 4, 5, 7], 90))).toBe('{help}');
    const steps = [0, 2, 4, 6, 8, 10];
    const mono = '(help)'.split('').map((c, i) => ch(c, steps[i]!, c === 'h' || c === ')' ? 0.05 : 0));
    expect(spaceLine(mono, 10, crop(steps, 120))).toBe('(help)');
    // A quote beside the bracket is narrow in monospace too: its blank is no word gap ("('x')").
    const quoted = [ch('(', 0), ch("'", 2, 0.05), ch('x', 3), ch("'", 4), ch(')', 6, 0.05)];
    expect(spaceLine(quoted, 10, crop([0, 2, 3, 4, 6], 80))).toBe("('x')");
  });
});

