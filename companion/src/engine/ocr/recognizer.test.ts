import { describe, expect, it } from 'vitest';
import { widthBatches } from './recognizer';

describe('widthBatches', () => {
  it('groups similar widths, at most batchSize, each padded to its widest line rounded up to 8', () => {
    const widths = [100, 96, 1000, 105, 98, 1040, 2000, 97];
    const batches = widthBatches(widths, 3);
    expect(batches.flatMap((b) => b.batch).sort()).toEqual(widths.map((_, i) => i).sort());
    expect(batches.map((b) => b.batch.map((i) => widths[i]))).toEqual([[96, 97, 98], [100, 105], [1000, 1040], [2000]]);
    expect(batches.map((b) => b.W)).toEqual([104, 112, 1040, 2000]);
  });
});
