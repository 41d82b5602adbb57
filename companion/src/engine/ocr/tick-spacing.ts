/**
 * The space read after an opening backtick of inline code set in proportional type (a README's
 * `name` drawn raw, not as a pill: "instead of ` foreach"): the tick's thin stroke sits at the
 * left of a wide advance, so the blank to the next glyph measures like a word gap. Mid-line, a
 * backtick after a blank or an opening bracket opens code and is never followed by a blank; one
 * starting a line may close code wrapped from the line before ("` cannot be …"), so it is left.
 */
const OPENING_TICK_SPACED = /(?<=[\s([{])` (?=[\w@$.'"-])/g;

export function joinOpeningTicks(text: string): string {
  const first = text.search(/\S/);
  return text.replace(OPENING_TICK_SPACED, (m, at: number) => (at > first ? '`' : m));
}
