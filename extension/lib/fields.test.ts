import { describe, expect, it } from 'vitest';
import { filled } from './fields';

describe('filled', () => {
  it('keeps the fields with a value and leaves out the empty ones', () => {
    expect(filled({ a: 'x', b: undefined, c: '', d: 0, e: false, f: null, g: 3, h: [] })).toEqual({ a: 'x', g: 3, h: [] });
    expect(Object.keys(filled({ prompt: undefined }))).toEqual([]);
  });
});
