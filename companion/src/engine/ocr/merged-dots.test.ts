import { describe, expect, it } from 'vitest';
import { restoreMergedDots } from './merged-dots';
import { dot, fixedReading, letter, type Rect } from './test-line';

const restore = (read: Array<[string, number]>, ink: Rect[]) => fixedReading(restoreMergedDots, read, ink);

describe('dots CTC merged', () => {
  const around = [letter(0), letter(1), letter(6)];

  it('gives a run of dots every dot the crop shows between its neighbours ("a.." over three dots → "a...")', () => {
    expect(restore([['a', 0], ['a', 1], ['.', 3], ['.', 4], ['a', 6]], [...around, dot(24), dot(32), dot(40)])).toBe('aa...a');
  });

  it('counts no comma (its head reaches below the baseline) and no fleck off the dots’ pitch', () => {
    expect(restore([['a', 0], ['a', 1], ['.', 3], ['.', 4], ['a', 6]], [...around, dot(24), dot(32), dot(40, 31)])).toBe('aa..a');
    expect(restore([['a', 0], ['a', 1], ['.', 3], ['.', 4], ['a', 6]], [...around, dot(22), dot(30), dot(50)])).toBe('aa..a');
  });

  it('leaves a run alone where it was read whole', () => {
    expect(restore([['a', 0], ['a', 1], ['.', 2], ['.', 3], ['.', 4], ['a', 6]], [...around, dot(24), dot(32), dot(40)])).toBe('aa...a');
  });
});
