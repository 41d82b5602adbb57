import { describe, expect, it } from 'vitest';
import { fixedReading, letter, type Rect } from './test-line';
import { settleUnderscores } from './underscores';

const settle = (read: Array<[string, number]>, ink: Rect[]) => fixedReading(settleUnderscores, read, ink);
/** A bar of x0..x1 under the baseline (row 29): an underscore's. */
const under = (x0: number, x1: number): Rect => [x0, x1, 31, 32];
/** A bar at mid x-height: a hyphen's. */
const hyphen = (s: number): Rect => [10 * s + 3, 10 * s + 7, 25, 26];
const around = [letter(0), letter(2), letter(3)];

describe('underscores from their bar under the baseline', () => {
  it('makes a hyphen or dot whose columns hold such a bar an underscore (`{-:` → `{_:`)', () => {
    expect(settle([['a', 0], ['-', 1], ['c', 2], ['e', 3]], [...around, under(11, 19)])).toBe('a_ce');
    expect(settle([['a', 0], ['.', 1], ['c', 2], ['e', 3]], [...around, under(11, 19)])).toBe('a_ce');
  });

  it('puts back an underscore no spike sits on, and the second of two touching ones read once', () => {
    expect(settle([['a', 0], ['c', 2], ['e', 3]], [...around, under(11, 19)])).toBe('a_ce');
    const wide = [letter(0), letter(3), letter(4)];
    expect(settle([['a', 0], ['_', 1], ['c', 3], ['e', 4]], [...wide, under(10, 28)])).toBe('a__ce');
    // A dot read, the underscore after it not (`this._` read `this.`).
    expect(settle([['a', 0], ['c', 1], ['e', 2], ['.', 3]], [letter(0), letter(1), letter(2), [32, 33, 28, 29], under(35, 43)])).toBe('ace._');
  });

  it('leaves hyphens at mid x-height, dots on the baseline and bars with letters on them alone', () => {
    expect(settle([['a', 0], ['-', 1], ['c', 2], ['e', 3]], [...around, hyphen(1)])).toBe('a-ce');
    expect(settle([['a', 0], ['.', 1], ['c', 2], ['e', 3]], [...around, [14, 15, 28, 29]])).toBe('a.ce');
    // An underlined word: the bar runs under letters read on it.
    expect(settle([['a', 0], ['c', 2], ['e', 3]], [...around, under(2, 38)])).toBe('ace');
    // A dot beside the bar is what a `.` was read from (`self._days` read as it is keeps its dot).
    expect(settle([['a', 0], ['.', 1], ['_', 1.5], ['c', 3], ['e', 4]], [letter(0), letter(3), letter(4), [11, 12, 28, 29], under(16, 24)])).toBe('a._ce');
    // Beside a Chinese glyph a low bar is its foot stroke.
    expect(settle([['a', 0], ['中', 2], ['c', 3], ['e', 4]], [letter(0), letter(2), letter(3), letter(4), under(11, 19)])).toBe('a中ce');
  });
});
