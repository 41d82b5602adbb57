/**
 * The space read after an opening backtick of inline code set in proportional type (a README's
 * `name` drawn raw, not as a pill: "instead of ` foreach"): the tick's thin stroke sits at the
 * left of a wide advance, so the blank to the next glyph measures like a word gap. Mid-line, a
 * backtick after a blank or an opening bracket opens code and is never followed by a blank; one
 * starting a line may close code wrapped from the line before ("` cannot be …"), so it is left.
 */
const OPENING_TICK_SPACED = /(?<=[\s([{])` (?=[\w@$.'"([-])/g;

/** A blank between an opening bracket and the tick opening code inside it ("( `json`)"): no one types it. */
const BRACKET_THEN_TICK = /(?<=[([{]) (?=`[^\s`])/g;

export function joinOpeningTicks(text: string): string {
  const first = text.search(/\S/);
  return text.replace(OPENING_TICK_SPACED, (m, at: number) => (at > first ? '`' : m)).replace(BRACKET_THEN_TICK, '');
}

/** Punctuation that follows a closing backtick with no blank between (`name`, `name`.). */
const CLOSING_PUNCT = /^[.,;:!?)\]]/;

/**
 * The blank a closing backtick took from the word after it ("`fs.read() `operations" for
 * "`fs.read()` operations", "`opts.unknown `-"), or a blank read between it and the punctuation
 * closing the sentence ("`null` ."). A tick closes code when an earlier tick on the line opened
 * it: one after the line start, a blank or a bracket and before a non-blank. Lines with doubled
 * ticks (fences, ``` `` ``` spans) are left as read.
 */
export function joinClosingTicks(text: string): string {
  if (text.includes('``')) return text;
  let out = '';
  let open = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch !== '`') {
      out += ch;
      continue;
    }
    const before = text[i - 1];
    const after = text[i + 1];
    if (!open) {
      open = (before === undefined || /[\s([{]/.test(before)) && after !== undefined && after !== ' ';
      out += ch;
      continue;
    }
    const rest = text.slice(i + 1);
    // "populate `argv._` with": a tick before a word whose next tick closes is an opening one
    // (the tick closing the code before was not read).
    const next = rest.indexOf('`');
    if (before === ' ' && after !== undefined && after !== ' ' && next > 0 && rest[next - 1] !== ' ' && !/[\w@$.'"-]/.test(rest[next + 1] ?? '')) {
      out += ch;
      continue;
    }
    open = false;
    if (before === ' ' && out.length >= 2 && out[out.length - 2] !== ' ' && out[out.length - 2] !== '`') {
      out = out.slice(0, -1) + '`';
      // The blank goes back after the tick, unless punctuation or the line's end follows.
      if (after !== undefined && after !== ' ' && !CLOSING_PUNCT.test(rest)) out += ' ';
      continue;
    }
    out += ch;
    if (after === ' ' && CLOSING_PUNCT.test(rest.slice(1))) i++;
  }
  return out;
}
