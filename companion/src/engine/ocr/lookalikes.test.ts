import { expect, it } from 'vitest';
import { fixCodeMarks, fixLatinConfusions } from './lookalikes';

// Each row: the fix, what the recogniser read, what was printed, and the rule that applies.
it.each([
  [fixLatinConfusions, 'OpenAl and Al, $l, 2l0', 'OpenAI and AI, $1, 210', 'fixes I/l and 1/l only in their ambiguous contexts'],
  [fixLatinConfusions, 'Alpha all ls', 'Alpha all ls', 'fixes I/l and 1/l only in their ambiguous contexts'],
  [fixLatinConfusions, 'due 0n Monday, C0de.', 'due on Monday, Code.', 'fixes I/l and 1/l only in their ambiguous contexts'],
  [fixLatinConfusions, 'reports， open: a；b 图片，好', 'reports, open: a;b 图片，好', 'fixes I/l and 1/l only in their ambiguous contexts'],
  [fixLatinConfusions, '0x1f 0xff 100 v2.0 a0 10n', '0x1f 0xff 100 v2.0 a0 10n', 'fixes I/l and 1/l only in their ambiguous contexts'],
  [fixLatinConfusions, '0CR C0DE (0CR) A0 0K 10KB B2B', 'OCR CODE (OCR) A0 0K 10KB B2B', 'fixes I/l and 1/l only in their ambiguous contexts'],
  [fixLatinConfusions, 'for （const it of items）{', 'for (const it of items){', 'makes full-width brackets and punctuation ASCII next to Latin text, even after a space, and keeps them in Chinese'],
  [fixLatinConfusions, '价格（元） 和 使用 （API）', '价格（元） 和 使用 （API）', 'makes full-width brackets and punctuation ASCII next to Latin text, even after a space, and keeps them in Chinese'],
  [fixLatinConfusions, '（注意）', '（注意）', 'makes full-width brackets and punctuation ASCII next to Latin text, even after a space, and keeps them in Chinese'],
  [fixLatinConfusions, '２ 件，ＡＢＣ ｘ1', '2 件，ABC x1', 'makes full-width digits and Latin letters ASCII'],
  [fixCodeMarks, 'Returns true if ^ node′ is a problematic', 'Returns true if `node` is a problematic', 'reads backticks, fences, table bars and small zeros back from their look-alikes'],
  [fixCodeMarks, '""`js', '```js', 'reads backticks, fences, table bars and small zeros back from their look-alikes'],
  [fixCodeMarks, '丨 ii 丨 adduser', '| ii | adduser', 'reads backticks, fences, table bars and small zeros back from their look-alikes'],
  [fixCodeMarks, 'May 2θ 2025', 'May 20 2025', 'reads backticks, fences, table bars and small zeros back from their look-alikes'],
  [fixCodeMarks, '...`ts', '````ts', 'reads a four-mark fence read as dots'],
  [fixCodeMarks, 'returns ^ consequent; and `IfStatement`', 'returns `consequent; and `IfStatement`', 'reads a caret opening a word as a backtick on a line with inline code'],
  [fixCodeMarks, 'If ^ node ` is a `x`', 'If `node` is a `x`', 'reads a caret opening a word as a backtick on a line with inline code'],
  [fixCodeMarks, 'a ^ b', 'a ^ b', 'keeps a caret on a line without inline code'],
  [fixCodeMarks, 'help: <https:/www.gnu.org/software/>', 'help: <https://www.gnu.org/software/>', 'puts back the second slash of a URL scheme'],
  [fixCodeMarks, 'file:///etc and a/b', 'file:///etc and a/b', 'puts back the second slash of a URL scheme'],
  [fixCodeMarks, '    · npm test', '    • npm test', 'reads a middle dot opening a line as a bullet'],
  [fixCodeMarks, '马丁·路德', '马丁·路德', 'reads a middle dot opening a line as a bullet'],
  [fixCodeMarks, '数字字段以 θ 填充', '数字字段以 0 填充', 'reads a lone θ in Chinese text as a zero'],
  [fixCodeMarks, 'angle θ is', 'angle θ is', 'reads a lone θ in Chinese text as a zero'],
  [fixCodeMarks, '中丨文', '中丨文', 'leaves Chinese and plain quotes alone'],
  [fixCodeMarks, '"quoted"', '"quoted"', 'leaves Chinese and plain quotes alone'],
  [fixCodeMarks, "it's 2 ^ 3", "it's 2 ^ 3", 'leaves Chinese and plain quotes alone'],
])('%o: %j → %j (%s)', (fix, text, fixed) => {
  expect(fix(text)).toBe(fixed);
});
