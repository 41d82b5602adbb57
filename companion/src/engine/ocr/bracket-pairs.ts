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
