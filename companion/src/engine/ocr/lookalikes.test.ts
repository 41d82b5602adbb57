import { describe, expect, it } from 'vitest';
import { fixMonospaceCommentOpener } from './code-glyphs';
import { fixCodeMarks, fixLatinConfusions } from './lookalikes';

// Each rule: its fix, then what the recogniser read → what was printed.
const RULES: Array<{ rule: string; fix: (text: string) => string; cases: Array<[read: string, printed: string]> }> = [
  {
    rule: 'fixes I/l and 1/l only in their ambiguous contexts',
    fix: fixLatinConfusions,
    cases: [
      ['OpenAl and Al, $l, 2l0', 'OpenAI and AI, $1, 210'],
      ['Alpha all ls', 'Alpha all ls'],
      ['due 0n Monday, C0de.', 'due on Monday, Code.'],
      ['reports， open: a；b 图片，好', 'reports, open: a;b 图片，好'],
      ['0x1f 0xff 100 v2.0 a0 10n', '0x1f 0xff 100 v2.0 a0 10n'],
      ['0CR C0DE (0CR) A0 0K 10KB B2B', 'OCR CODE (OCR) A0 0K 10KB B2B'],
    ],
  },
  {
    rule: 'makes full-width brackets and punctuation ASCII next to Latin text, even after a space, and keeps them in Chinese',
    fix: fixLatinConfusions,
    cases: [
      ['for （const it of items）{', 'for (const it of items){'],
      ['价格（元） 和 使用 （API）', '价格（元） 和 使用 （API）'],
      ['（注意）', '（注意）'],
    ],
  },
  {
    rule: 'reads an O after a digit as a zero where the word has no other capital',
    fix: fixLatinConfusions,
    cases: [
      ['ms(6OOOO, { long: true })', 'ms(60000, { long: true })'],
      ['ms(2 * 600O0) width="68O" olivr7O', 'ms(2 * 60000) width="680" olivr70'],
      ['H2O, CO2, gcc -O2 OK', 'H2O, CO2, gcc -O2 OK'],
    ],
  },
  { rule: 'makes full-width digits and Latin letters ASCII', fix: fixLatinConfusions, cases: [['２ 件，ＡＢＣ ｘ1', '2 件，ABC x1']] },
  {
    rule: 'reads a logical or and a dunder back from their look-alikes, and leaves real bars, words and dashes',
    fix: fixCodeMarks,
    cases: [
      ['nt(node) |l isEnd(node) I| ts9 || x', 'nt(node) || isEnd(node) || ts9 || x'],
      ['a | b, I like it, |x|, path/I', 'a | b, I like it, |x|, path/I'],
      ['var _-toCommonJS = -_copyProps(!-_has, "_-esModule")', 'var __toCommonJS = __copyProps(!__has, "__esModule")'],
      ['[A-Za-z0-9-_] a-_b --_x', '[A-Za-z0-9-_] a-_b --_x'],
    ],
  },
  {
    rule: 'reads two bar look-alikes opening a monospace line before a word as a comment opener',
    fix: fixMonospaceCommentOpener,
    cases: [
      ['    ll Expose platform on the global', '    // Expose platform on the global'],
      ['12  II eslint-disable-next-line', '12  // eslint-disable-next-line'],
      ['ll -a /etc', 'll -a /etc'],
      ['Part II of the book', 'Part II of the book'],
    ],
  },
  {
    rule: 'reads backticks, fences, table bars and small zeros back from their look-alikes',
    fix: fixCodeMarks,
    cases: [
      ['Returns true if ^ node′ is a problematic', 'Returns true if `node` is a problematic'],
      ['""`js', '```js'],
      ['丨 ii 丨 adduser', '| ii | adduser'],
      ['May 2θ 2025', 'May 20 2025'],
    ],
  },
  { rule: 'reads a four-mark fence read as dots', fix: fixCodeMarks, cases: [['...`ts', '````ts']] },
  {
    rule: 'reads a caret opening a word as a backtick on a line with inline code',
    fix: fixCodeMarks,
    cases: [
      ['returns ^ consequent; and `IfStatement`', 'returns `consequent; and `IfStatement`'],
      ['If ^ node ` is a `x`', 'If `node` is a `x`'],
    ],
  },
  { rule: 'keeps a caret on a line without inline code', fix: fixCodeMarks, cases: [['a ^ b', 'a ^ b']] },
  {
    rule: 'joins an opening backtick to its code where the code closes or the line has more inline code',
    fix: fixCodeMarks,
    cases: [
      ['fear not, ` xml2js` supports', 'fear not, `xml2js` supports'],
      ['returns ` consequent; and `IfStatement`', 'returns `consequent; and `IfStatement`'],
      ['press the ` key', 'press the ` key'],
    ],
  },
  {
    rule: 'puts back the second slash of a URL scheme',
    fix: fixCodeMarks,
    cases: [
      ['help: <https:/www.gnu.org/software/>', 'help: <https://www.gnu.org/software/>'],
      ['file:///etc and a/b', 'file:///etc and a/b'],
    ],
  },
  {
    rule: 'reads a middle dot opening a line as a bullet',
    fix: fixCodeMarks,
    cases: [
      ['    · npm test', '    • npm test'],
      ['·Add jest tests', '• Add jest tests'],
      ['·_Breaking:_ drop support', '• _Breaking:_ drop support'],
      ['马丁·路德', '马丁·路德'],
      ['·函数参数', '·函数参数'],
      ['·5 items', '·5 items'],
    ],
  },
  {
    rule: 'reads a lone θ in Chinese text as a zero',
    fix: fixCodeMarks,
    cases: [
      ['数字字段以 θ 填充', '数字字段以 0 填充'],
      ['angle θ is', 'angle θ is'],
    ],
  },
  {
    rule: 'reads a θ standing as an operand in code as a zero, unless Greek is around',
    fix: fixCodeMarks,
    cases: [
      ['for(var n = θ; n < Nb; ++n) {', 'for(var n = 0; n < Nb; ++n) {'],
      ['if(i === θ || i === end) {', 'if(i === 0 || i === end) {'],
      ['let φ = θ;', 'let φ = θ;'],
    ],
  },
  {
    rule: 'leaves Chinese and plain quotes alone',
    fix: fixCodeMarks,
    cases: [
      ['中丨文', '中丨文'],
      ['"quoted"', '"quoted"'],
      ["it's 2 ^ 3", "it's 2 ^ 3"],
    ],
  },
];

for (const { rule, fix, cases } of RULES) {
  describe(`${fix.name} ${rule}`, () => {
    it.each(cases)('%j → %j', (read, printed) => {
      expect(fix(read)).toBe(printed);
    });
  });
}
