import { describe, expect, it } from 'vitest';
import { layoutText, type LaidLine } from './layout';
import { proseSpaceWidth, textEms } from './prose-indent';

/** A line of proportional type at `em` px, `spaces` space advances right of x = 20. */
const prose = (text: string, spaces: number, row: number, em = 13): LaidLine => {
  const x0 = 20 + spaces * 0.278 * em;
  return { text, box: [Math.round(x0), 10 + row * 20, Math.round(x0 + textEms(text) * em), 26 + row * 20], score: 0.9, proportional: true };
};

describe('prose indentation', () => {
  it('counts leading blanks of sans text in its own space widths (a man page indented seven spaces)', () => {
    const lines = [prose('FILES', 0, 0), prose('/etc/passwd', 7, 1), prose('用户账户信息。', 11, 2), prose('The following configuration variables change the behavior', 7, 3)];
    expect(layoutText(lines).text).toBe('FILES\n       /etc/passwd\n           用户账户信息。\n       The following configuration variables change the behavior');
  });

  it('keeps two-space option lines of `--help` in sans type indented', () => {
    const lines = [prose('Usage: head [OPTION]... [FILE]...', 0, 0), prose('-n, --lines=[-]NUM       print the first NUM lines', 2, 1), prose('--help        display this help and exit', 6, 2)];
    expect(layoutText(lines).text.split('\n')).toEqual(['Usage: head [OPTION]... [FILE]...', '  -n, --lines=[-]NUM       print the first NUM lines', '      --help        display this help and exit']);
  });

  it('writes a rendered list at the margin, nested items two spaces a level', () => {
    // Browsers indent a list 2 em (26 px at 13 px): 7 spaces of margin that are no spaces in the text.
    const lines = [prose('Scripts you can run from the checkout:', 0, 0), prose('• npm run lint: runs the linter', 7.2, 1), prose('• npm run unit: runs the unit tests', 7.2, 2), prose('◦ npm run unit-esm: the ESM exports', 14.4, 3)];
    expect(layoutText(lines).text.split('\n')).toEqual(['Scripts you can run from the checkout:', '• npm run lint: runs the linter', '• npm run unit: runs the unit tests', '  ◦ npm run unit-esm: the ESM exports']);
  });

  it('leaves blocks that are not mostly proportional to the character pitch', () => {
    const mono = (text: string, x0: number, row: number): LaidLine => ({ text, box: [x0, 10 + row * 20, x0 + text.length * 8, 26 + row * 20], score: 0.9, pitch: 8 });
    expect(proseSpaceWidth([mono('function ready() {', 10, 0), mono('return go(now);', 42, 1), prose('a proportional comment here', 0, 2)])).toBeUndefined();
    expect(proseSpaceWidth([prose('a proportional line of text', 0, 0), prose('and another proportional one', 0, 1)])).toBeCloseTo(0.278 * 13, 0);
  });
});
