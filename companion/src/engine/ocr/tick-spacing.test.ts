import { describe, expect, it } from 'vitest';
import { joinOpeningTicks } from './tick-spacing';

describe('joinOpeningTicks', () => {
  it.each([
    ['use it instead of ` foreach to loop', 'use it instead of `foreach to loop'],
    ['[Deps] Update ` object-keys`', '[Deps] Update `object-keys`'],
    ['the meta in (` import.meta.url`)', 'the meta in (`import.meta.url`)'],
    ['2. ` options (object)', '2. `options (object)'],
  ])('joins an opening backtick to its word: %s', (read, meant) => expect(joinOpeningTicks(read)).toBe(meant));
  it.each([
    '` cannot be represented as an one on one JavaScript code.',
    'a `name` and `other` here',
    'x = `` `',
  ])('leaves ticks that close code or stand alone: %s', (text) => expect(joinOpeningTicks(text)).toBe(text));
});
