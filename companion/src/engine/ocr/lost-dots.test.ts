import { describe, expect, it } from 'vitest';
import { restoreLostDots } from './lost-dots';
import { dot, fixedReading, letter, type Rect } from './test-line';

/** A slash's stand-in: a tall bar in the cell of step `s`. */
const tall = (s: number): Rect => [10 * s + 4, 10 * s + 5, 16, 30];
const restore = (read: Array<[string, number]>, ink: Rect[]) => fixedReading(restoreLostDots, read, ink);

describe('dots left unread', () => {
  const around = [letter(0), letter(1), letter(5), letter(6)];
  it('puts back a baseline dot no spike sits on (`aa/aa` over `aa./aa` → `aa./aa`)', () => {
    expect(restore([['a', 0], ['a', 1], ['/', 3], ['a', 5], ['a', 6]], [...around, dot(24), tall(3)])).toBe('aa./aa');
  });

  it('takes no dot under other ink, none off the baseline and none a spike sits on', () => {
    expect(restore([['a', 0], ['a', 1], ['/', 3], ['a', 5], ['a', 6]], [...around, dot(24), [24, 25, 18, 20], tall(3)])).toBe('aa/aa');
    expect(restore([['a', 0], ['a', 1], ['/', 3], ['a', 5], ['a', 6]], [...around, dot(24, 25), tall(3)])).toBe('aa/aa');
    expect(restore([['a', 0], ['a', 1], [',', 2], ['/', 3], ['a', 5], ['a', 6]], [...around, dot(24), tall(3)])).toBe('aa,/aa');
  });
});
