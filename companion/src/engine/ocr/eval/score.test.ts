import { describe, expect, it } from 'vitest';
import { charErrors, isEnglishPage, levenshtein, median, microAverage, normalizeForScoring, wordErrors } from './score';

describe('OCR scoring (dev set README definitions)', () => {
  it('computes Levenshtein distance', () => {
    expect(levenshtein([...'kitten'], [...'sitting'])).toBe(3);
    expect(levenshtein([], [...'abc'])).toBe(3);
    expect(levenshtein([...'abc'], [...'abc'])).toBe(0);
  });

  it('normalises NFKC and curly quotes', () => {
    expect(normalizeForScoring('“a” ‘b’ ：，')).toBe('"a" \'b\' :,');
  });

  it('CER ignores whitespace and counts code points', () => {
    expect(charErrors('Invoice No. FP2024', 'InvoiceNo.FP2024')).toEqual({ errors: 0, length: 16 });
    expect(charErrors('图片描述', '图片描述:')).toEqual({ errors: 1, length: 5 });
    expect(charErrors('“hi”', '"hi"')).toEqual({ errors: 0, length: 4 });
  });

  it('WER punishes lost spaces and split words', () => {
    expect(wordErrors('InvoiceNo. FP2024', 'Invoice No. FP2024')).toEqual({ errors: 2, length: 3 });
    expect(wordErrors('Invoice No. FP 2024', 'Invoice No. FP2024')).toEqual({ errors: 2, length: 3 });
    expect(wordErrors('a  b\nc', 'a b c')).toEqual({ errors: 0, length: 3 });
  });

  it('micro-averages over pages', () => {
    expect(microAverage([{ errors: 1, length: 10 }, { errors: 3, length: 30 }])).toBeCloseTo(0.1);
    expect(microAverage([])).toBe(0);
  });

  it('recognises English pages by name', () => {
    expect(isEnglishPage('dev_en-00-dark')).toBe(true);
    expect(isEnglishPage('page_en_01')).toBe(true);
    expect(isEnglishPage('dev_zh-03-serif')).toBe(false);
    expect(isEnglishPage('dev_zh-12-banner')).toBe(false);
  });

  it('takes medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
