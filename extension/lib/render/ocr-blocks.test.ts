import { describe, expect, it } from 'vitest';
import { ocrBlocks } from './ocr-blocks';

describe('ocrBlocks', () => {
  it('keeps a result without blocks as prose, even when it looks like code', () => {
    expect(ocrBlocks('function add(a, b) {\n  return a + b;\n}')).toEqual([{ kind: 'text', text: 'function add(a, b) {\n  return a + b;\n}' }]);
  });
  it('cuts the text at the lines the engine marked as code and tables', () => {
    const text = 'Example:\n\nfunction add(a, b) {\n  return a + b;\n}\n\n+---+---+\n| a | b |\n+---+---+\nThat is all.';
    const blocks = [
      { kind: 'code' as const, firstLine: 2, lastLine: 4, language: 'javascript' },
      { kind: 'table' as const, firstLine: 6, lastLine: 8 },
    ];
    expect(ocrBlocks(text, blocks)).toEqual([
      { kind: 'text', text: 'Example:' },
      { kind: 'code', text: 'function add(a, b) {\n  return a + b;\n}', language: 'javascript' },
      { kind: 'table', text: '+---+---+\n| a | b |\n+---+---+' },
      { kind: 'text', text: 'That is all.' },
    ]);
  });
  it('ignores prose blocks, overlapping and out-of-range ones', () => {
    const blocks = [
      { kind: 'prose' as const, firstLine: 0, lastLine: 0 },
      { kind: 'code' as const, firstLine: 1, lastLine: 5 },
      { kind: 'code' as const, firstLine: 2, lastLine: 2 },
      { kind: 'table' as const, firstLine: 9, lastLine: 10 },
    ];
    expect(ocrBlocks('Title\nx = 1\ny = 2', blocks)).toEqual([
      { kind: 'text', text: 'Title' },
      { kind: 'code', text: 'x = 1\ny = 2' },
    ]);
  });
});
