/**
 * The Chinese dictionary's lenticular brackets 【 】 read for ASCII ones in small type
 * ("[=字符=】", "[group 【shadow]]"). Typed Chinese text opens and closes them as a pair, so one
 * whose partner on the line is an ASCII bracket is the ASCII one too.
 */
export function fixBracketPairs(text: string): string {
  if (!/[【】]/.test(text)) return text;
  const chars = [...text];
  const open: number[] = [];
  const closedBy = new Map<number, number>();
  chars.forEach((c, i) => {
    if (c === '[' || c === '【') open.push(i);
    else if ((c === ']' || c === '】') && open.length) closedBy.set(open.pop()!, i);
  });
  for (const [o, c] of closedBy) {
    if (chars[o] === '[' && chars[c] === '】') chars[c] = ']';
    else if (chars[o] === '【' && chars[c] === ']') chars[o] = '[';
  }
  return chars.join('');
}

/** Full-width angle brackets and the ASCII signs they stand for in small type. */
const ANGLE_OPEN = /^[<〈《]$/u;
const ANGLE_CLOSE = /^[>〉》]$/u;

/**
 * `<目标〉`, `<命令》`: an angle bracket read full-width whose partner on the line is ASCII is
 * ASCII too (man pages write `<name>` around Chinese words). On the glyphs, before spacing, so
 * the blank after it is judged as after an ASCII mark. An arrow's `>` (`->`, `=>`) closes nothing.
 */
export function fixAnglePairs<T extends { char: string }>(chars: T[]): void {
  if (!chars.some((c) => c.char === '〉' || c.char === '》' || c.char === '〈' || c.char === '《')) return;
  const open: number[] = [];
  chars.forEach((c, i) => {
    if (ANGLE_OPEN.test(c.char)) open.push(i);
    else if (ANGLE_CLOSE.test(c.char) && !(c.char === '>' && /^[-=]$/.test(chars[i - 1]?.char ?? '')) && open.length) {
      const o = open.pop()!;
      const ascii = (k: number) => chars[k]!.char === '<' || chars[k]!.char === '>';
      if (ascii(o) !== ascii(i)) {
        chars[o] = { ...chars[o]!, char: '<' };
        chars[i] = { ...chars[i]!, char: '>' };
      }
    }
  });
}
