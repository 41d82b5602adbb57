import { describe, expect, it } from 'vitest';
import { mergeLineFragments } from './merge-boxes';

const tb = (box: [number, number, number, number], score = 0.9) => ({ box, score });

describe('mergeLineFragments', () => {
  it('joins two fragments of one line that overlap', () => {
    expect(mergeLineFragments([tb([10, 100, 600, 180], 0.8), tb([560, 104, 760, 182], 0.9)])).toEqual([tb([10, 100, 760, 182], 0.9)]);
  });

  it('keeps side-by-side cells and stacked lines apart', () => {
    const cells = [tb([10, 10, 100, 40]), tb([120, 10, 200, 40])];
    expect(mergeLineFragments(cells)).toEqual(cells);
    const lines = [tb([10, 10, 300, 40]), tb([10, 36, 300, 66])];
    expect(mergeLineFragments(lines)).toEqual(lines);
  });

  it('joins a chain of fragments into one box', () => {
    expect(mergeLineFragments([tb([0, 0, 50, 20]), tb([200, 0, 300, 20]), tb([40, 1, 210, 21])])).toEqual([tb([0, 0, 300, 21])]);
  });
});
