import { describe, expect, it } from 'vitest';
import { spaceAfterComma } from './comma-spacing';

describe('spaceAfterComma', () => {
  it('reads a blank of a fifth of the ink height after a comma as a typed space, a touching glyph as none', () => {
    expect(spaceAfterComma(',', 'k', 4, 17)).toBe(true);
    expect(spaceAfterComma(',', "'", 3, 13)).toBe(true);
    expect(spaceAfterComma(',', '*', 2, 20)).toBeUndefined();
    expect(spaceAfterComma(',', 'h', 2, 20)).toBe(false);
    expect(spaceAfterComma(',', '-', 4, 24)).toBe(false);
  });
  it('says nothing of digits or dots after a comma, or of other glyphs', () => {
    expect(spaceAfterComma(',', '7', 6, 16)).toBeUndefined();
    expect(spaceAfterComma(',', '.', 13, 25)).toBeUndefined();
    expect(spaceAfterComma('.', 'a', 6, 16)).toBeUndefined();
  });
});
