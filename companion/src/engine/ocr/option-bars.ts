/**
 * The bar between a `--help` line's alternative option names ("-G|--refuse-downgrade",
 * "--no-act|--dry-run") is a thin stroke the recogniser takes for `I`, `l`, `1` or `]`. Between
 * an option name and the `-` of the next one, none of those is ever typed (`]` only closes a `[`
 * opened in the same word); the next name is a long one (`--`): "--foo-commandl-line" keeps its `l`.
 */
const STROKE_BAR = /(?<=(?:^|[\s[(|])--?[A-Za-z0-9][\w-]*)[Il1](?=--[A-Za-z])/g;
const BRACKET_BAR = /(?<=(?:^|[\s(|])--?[A-Za-z0-9][\w-]*)\](?=--[A-Za-z])/g;

export function fixOptionBars(text: string): string {
  return text.replace(STROKE_BAR, '|').replace(BRACKET_BAR, '|');
}
