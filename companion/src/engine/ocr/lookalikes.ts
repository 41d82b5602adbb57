/** What the recogniser's dictionary spells with look-alike glyphs in Latin text and code, put back. */

import { fixBracketPairs } from './bracket-pairs';
import { fixCodeGlyphs } from './code-glyphs';
import { fixOptionBars } from './option-bars';

const CJK = /[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF\u3000-\u303F]/u;
const IDEOGRAPH = /^[\u2E80-\u2FFF\u3400-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF]$/u;

/** Whether `text` holds a Chinese, Japanese or Korean character (or full-width form). */
export function isCjk(text: string): boolean {
  return CJK.test(text);
}

export function isIdeograph(ch: string): boolean {
  return IDEOGRAPH.test(ch);
}

/** Private-use stand-ins for a Chinese bracket pair while the single-mark rule runs. */
const KEPT_OPEN = '\uE000';
const KEPT_CLOSE = '\uE001';

/** A word of capitals with one zero before at least two of them ("0CR", "C0DE"; not "A0", "0K"). */
const CAPITALS_WITH_ZERO = /^[("']?[A-Z]*0[A-Z]{2,}[)"',.;:!?]?$/;

/** A word of letters with one zero before lowercase letters ("0n", "C0de"): the zero is an o. */
const LETTERS_WITH_ZERO = /^[("']?[A-Za-z]*0[a-z]+[)"',.;:!?]?$/;

/**
 * Sans-serif capital I and small l are the same glyph; the recogniser picks l after a
 * capital ("OpenAl", "Al"), l for 1 after a currency sign, 0 for o inside a word, and
 * full-width punctuation after Latin text.
 * Fix only those contexts.
 */
export function fixLatinConfusions(text: string): string {
  return text
    // Full-width punctuation from the Chinese dictionary inside Latin text becomes ASCII. Bracket
    // pairs go together: Chinese ones (after Chinese text, or around it) are set aside and kept.
    .replace(/（([^（）]*)）/gu, (whole, inner: string, at: number, line: string) => {
      const before = line.slice(0, at).trimEnd().slice(-1);
      return (before && isCjk(before)) || isCjk(inner) ? `${KEPT_OPEN}${inner}${KEPT_CLOSE}` : `(${inner})`;
    })
    // Single marks: the nearest neighbour on the left is Latin (or the line starts), on the right Latin (or it ends).
    .replace(/(?<=[\x21-\x7E]\s*|^\s*)[，：；！？（）](?=\s*[\x21-\x7E]|\s*$)/gu, (c) => c.normalize('NFKC'))
    .replaceAll(KEPT_OPEN, '（')
    .replaceAll(KEPT_CLOSE, '）')
    // Full-width digits and Latin letters (a lone table digit is often read so) are ASCII.
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/gu, (c) => c.normalize('NFKC'))
    .replace(/\S+/g, (w) => (LETTERS_WITH_ZERO.test(w) && !/^0[xXbBoO]/.test(w) ? w.replace('0', 'o') : w))
    // The same in capitals ("0CR", "C0DE"), where no other digit is around.
    .replace(/\S+/g, (w) => (CAPITALS_WITH_ZERO.test(w) ? w.replace('0', 'O') : w))
    // O after a digit in a word with no other capital is a zero ("6OOOO", "width=\"68O\""; "H2O"
    // and the flag "-O2" keep theirs).
    .replace(/\S+/g, (w) => (/\dO/.test(w) && !/[A-NP-Z]/.test(w) ? w.replace(/(?<=\d)O+/g, (o) => '0'.repeat(o.length)) : w))
    .replace(/(?<=[A-Z])l(?![a-z])/g, 'I').replace(/(?<=[$€£¥])l(?=[\d.,\s]|$)|(?<=\d)l(?=\d)/g, '1')
    .replace(/^.*$/s, fixCodeMarks)
    .replace(/^.*$/s, fixOptionBars)
    .replace(/^.*$/s, fixBracketPairs)
    .replace(/^.*$/s, fixCodeGlyphs);
}

/**
 * Code and Markdown marks the dictionary spells with look-alikes: a backtick comes back as a
 * prime (′) or, opening a word, as a caret; a fence line (```js) as a run of quotes; a table
 * bar as the ideograph 丨; a zero at small sizes as θ.
 */
export function fixCodeMarks(text: string): string {
  // A fence's marks ("```", "````" around one holding "```") read as quotes, dots or carets.
  const fence = /^(\s*)([`'"′‘’“”^]{3})(\w*)$/.exec(text) ?? /^(\s*)(?=[^`′^]*[`′^])([`'"′‘’“”^.]{2,4})(\w*)$/.exec(text);
  if (fence) return `${fence[1]}${'`'.repeat(Math.max(3, fence[2]!.length))}${fence[3]}`;
  const marked = text.replace(/[′‵]/g, '`');
  // A caret opening a word on a line with inline code is a backtick, its closing one often lost or spaced.
  const inlineCode = /`/.test(marked.replace(/(^|\s)\^ ?(?=[\w./@$-][^`\s]*`)/g, ''));
  return marked
    .replace(/(^|\s)\^ ?(?=[\w./@$-][^`\s]*`)/g, '$1`')
    .replace(/(^|\s)\^ ?(?=[A-Za-z_./@$])/g, (m, pre: string) => (inlineCode ? `${pre}\`` : m))
    .replace(/(?<=(?:^|\s)`[^`\s]+) `(?=[\s.,;:!?)]|$)/g, '`')
    // An opening backtick (told from the crop's ink, tick-shape.ts) spaced from the code it opens:
    // the code closes in the word, or the line has inline code (its closing mark is often lost).
    .replace(/(?<=(?:^|\s)`) (?=[^`\s]+`(?:[\s.,;:!?)]|$))/g, '')
    .replace(/(?<=(?:^|\s)`) (?=[\w./@$[*?!'"-])/g, (m) => ((marked.match(/`/g)?.length ?? 0) >= 2 ? '' : m))
    // "https:/host": CTC merged the two slashes.
    .replace(/\b(https?|ftp|file):\/(?=[^/\s])/g, '$1://')
    // A middle dot opening a line is a list bullet; the blank after a bullet that small is often read as none ("·Add jest tests").
    .replace(/^(\s*)·(?: |(?=[A-Za-z_]))/, '$1• ')
    .replace(/丨/g, (c, at: number, line: string) => (isIdeograph(line[at - 1] ?? '') && isIdeograph(line[at + 1] ?? '') ? c : '|'))
    .replace(/θ(?=[\dA-Za-z.,:%)]|$)|(?<=[\dA-Za-z.(])θ/g, '0')
    // A θ standing as an operand in code ("n = θ;", "i === θ ||", "[θ]") is a zero too, where no Greek is around.
    .replace(/(?<=[=<>[(,] ?)θ(?![\p{L}\d])/gu, (m: string, _at: number, line: string) => (/[α-ωΑ-Ω]/.test(line.replace(/θ/g, '')) ? m : '0'))
    // A lone θ in Chinese text is a zero ("以 0 填充"): a Greek letter stands among Latin.
    .replace(/(?<=[\u4e00-\u9fff] ?)θ(?= ?[\u4e00-\u9fff])/g, '0')
    // A dunder opening an identifier (`__dirname`, `!__has`, `"__esModule"`) with one of its underscores read as a hyphen.
    .replace(/(?<=^|[\s!(.,"'{[=:+])(?:-_|_-)(?=[A-Za-z$])/g, '__')
    // Two bars standing alone are a logical or, one of them read as its look-alike ("a I| b").
    .replace(/(?<=^|\s)(?:[Il1]\||\|[Il1])(?=\s|$)/g, '||');
}
