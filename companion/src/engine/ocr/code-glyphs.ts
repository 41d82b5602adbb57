/**
 * Code punctuation the recogniser reads as letters, told from the text around it (code in a README
 * is often set in the body's sans-serif, so these come in proportional lines too):
 * - a comment's `//` or `/*` opening a line (or following a statement) as `I/` or `I*`, or `//`
 *   opening a line as `II` before a lowercase word (a Roman numeral goes before a capital or a dot);
 * - a closing brace alone on a line before `)` as `3` (`3);` is no statement in any language);
 * - an empty argument list `()` as a capital `O` right after a lowercase identifier (`getGlobalO);`);
 * - an arrow function's or anonymous function's `()` as `O` or `0` (`limit(O => f)`, `function O {`);
 * - a number's zeros as letters o (`(default: 1oo)`, `lOo`), and the digit range `0-9` as `O-9`;
 * - the slashes of a URL spaced from its scheme on a character grid (`https: //host`);
 * - a string's opening quote lost after `(`, `[`, `, `, `: ` or `= ` where its closing one stands
 *   (`require(flatted');`): the line's quotes must pair.
 */

// Comment openers: every way the recogniser spells `//` or `/*` is put back here.

/** A slash beside a bar's look-alike opening a line (after its number in an editor): `I/`, `/l`, `|/`. */
const SLASH_BESIDE_BAR = /^(\s*(?:\d+\s+)?)(?:[Il|]\/|\/[Il|])(?=\s|$)/;

/** `I/ ` or `I* ` where a comment can open: the line's start or after a statement's end. */
const COMMENT_OPENER = /(^\s*|[;{}]\s+)I([/*])(?=[\s/*=]|$)/g;

/** `//` read as `II` at a line's start, before a lowercase word or a dash. */
const COMMENT_AS_II = /^(\s*)II(?= [a-z]|-)/;

/** `});` read as `3);`: the whole line. */
const BRACE_AS_3 = /^(\s*)3(?=\)[;,]?$)/;

/** A capital O for `()`: after a lowercase letter, before what follows a call. */
const CALL_AS_O = /(?<=[a-z])O(?=[);:,.\]_]|\s|$)/g;

/** `()` read as one round glyph where only an empty parameter list can stand: before `=>`, after `function`. */
const EMPTY_PARAMS = /(?<=^|[\s(,=])[O0](?= =>)|(?<=\bfunction )[O0](?= ?\{)/g;

/** A number whose zeros were read as o's: a digit first (or l before a capital O), then only zeros and o's. */
const ZEROS_AS_O = /(?<=^|[\s(=:,[])(?:\d[\d]*|l(?=O))[oO0]*[oO][oO0]*(?=[)\].,;:%\s]|$)/g;

/** A quoted token (path, name) with only its closing quote: it opens a string after a bracket or separator. */
const HALF_QUOTED = /(?<=[([{]|[,:=] )([\w./@:-]+)'(?=[)\]},;:]|$)/g;

/**
 * A monospace line (code) opening with two bar look-alikes and a word is a `//` comment: the
 * recogniser reads the thin slashes of small type as `II` or `ll` ("ll Export platform.", but `ll -a`
 * is a command). Monospace only: in prose "II" before a capital is a numeral.
 */
export function fixMonospaceCommentOpener(text: string): string {
  return text.replace(/^(\s*(?:\d+\s+)?)(?:II|ll|Il|lI)(?= +[A-Za-z@])/, '$1//');
}

export function fixCodeGlyphs(text: string): string {
  let out = text
    .replace(SLASH_BESIDE_BAR, '$1//')
    .replace(COMMENT_OPENER, (_m, pre: string, mark: string) => `${pre}/${mark}`)
    .replace(COMMENT_AS_II, '$1//')
    .replace(BRACE_AS_3, '$1}')
    .replace(/(?<=[[\w])O-9(?=[\]\w])/g, '0-9')
    .replace(EMPTY_PARAMS, '()')
    .replace(ZEROS_AS_O, (n) => n.replace(/^l/, '1').replace(/[oO]/g, '0'))
    .replace(/\b(https?|ftp|file): \/\/(?=\S)/g, '$1://');
  out = out.replace(CALL_AS_O, (o, at: number, line: string) => (isWordEnd(line, at) ? '()' : o));
  // Only where the line's single quotes do not pair: one of them was lost (the first half-quoted token gets it).
  if ((out.match(/'/g)?.length ?? 0) % 2 === 1) {
    let fixed = false;
    out = out.replace(HALF_QUOTED, (m, body: string) => (fixed ? m : ((fixed = true), `'${body}'`)));
  }
  return out;
}

/** The O ends a word of at least two letters that is not all capitals ("getGlobalO", not "IO" or "GO"). */
function isWordEnd(line: string, at: number): boolean {
  const word = /[A-Za-z_$][\w$]*$/.exec(line.slice(0, at))?.[0] ?? '';
  return word.length >= 2 && /[a-z]/.test(word);
}
