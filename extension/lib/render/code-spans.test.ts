import { describe, expect, it } from 'vitest';
import { codeSpans, plainText } from './code-spans';

describe('codeSpans', () => {
  it('turns backtick pairs into code spans', () => {
    expect(codeSpans('Run `loupe pair`, then try again.')).toEqual([
      { code: false, text: 'Run ' },
      { code: true, text: 'loupe pair' },
      { code: false, text: ', then try again.' },
    ]);
    expect(codeSpans('`a` and `b`').filter((s) => s.code).map((s) => s.text)).toEqual(['a', 'b']);
  });
  it('keeps an unmatched backtick as text and drops no characters', () => {
    expect(codeSpans('a `b` c `d')).toEqual([
      { code: false, text: 'a ' },
      { code: true, text: 'b' },
      { code: false, text: ' c ' },
      { code: false, text: '`d' },
    ]);
    expect(plainText('Run `loupe start` now')).toBe('Run loupe start now');
  });
});
