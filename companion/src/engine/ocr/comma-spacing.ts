/** What can follow a comma and a typed space in Latin text and code (not digits: "4,772"; not dots: "[FIELD,...]"). */
const COMMA_THEN = /^[A-Za-z'"`{[(-]$/;
const COMMA_GAP_RATIO = 0.2;

/**
 * Whether a comma after Latin text is followed by a typed space, from the blank alone; undefined
 * where this rule does not speak (not a comma, or a digit or dot after it). A comma's ink is a
 * narrow blot at the left of its advance: with no space typed the next glyph nearly touches it
 * ("*.js,*.html": ≤ 2 px at 16–20 px ink); a typed space leaves a blank of a fifth of the ink
 * height or more, which the recogniser often gives no probability in code ("keys(obj), keys",
 * "'a', 'b'", "-q, --quiet").
 */
export function spaceAfterComma(prev: string, next: string, gap: number, inkHeight: number): boolean | undefined {
  if (prev !== ',' || !COMMA_THEN.test(next)) return undefined;
  return gap >= Math.max(3, COMMA_GAP_RATIO * inkHeight);
}
