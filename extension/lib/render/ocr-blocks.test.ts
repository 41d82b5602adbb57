import { describe, expect, it } from 'vitest';
import { ocrBlocks } from './ocr-blocks';

describe('ocrBlocks', () => {
  it('keeps prose as text', () => {
    expect(ocrBlocks('Invoice 2041\nTotal due: 120 EUR\n\nThank you for your order.')).toEqual([{ kind: 'text', text: 'Invoice 2041\nTotal due: 120 EUR\n\nThank you for your order.' }]);
  });
  it('marks indented, code-like lines as one code block between paragraphs', () => {
    const text = 'Example:\n\nfunction add(a, b) {\n  return a + b;\n}\n\nconst x = add(1, 2);\n\nThat is all.';
    expect(ocrBlocks(text)).toEqual([
      { kind: 'text', text: 'Example:' },
      { kind: 'code', text: 'function add(a, b) {\n  return a + b;\n}\n\nconst x = add(1, 2);' },
      { kind: 'text', text: 'That is all.' },
    ]);
  });
  it('leaves Markdown tables from the layout step as text', () => {
    expect(ocrBlocks('| a | b |\n| --- | --- |\n| 1; | 2; |')[0]!.kind).toBe('text');
  });
});
