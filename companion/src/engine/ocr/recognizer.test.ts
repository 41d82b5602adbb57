import { describe, expect, it } from 'vitest';
import type { Rgb } from './raster';
import type { RecRunner } from './rec-runner';
import { Recognizer, splitBatch, widthBatches } from './recognizer';

/** A runner that answers every run with blanks after a tick, recording each run's width and `solo`. */
function recordingRunner(lanes: number) {
  const runs: Array<{ W: number; solo: boolean | undefined }> = [];
  const runner: RecRunner = {
    lanes,
    async run(_data, dims, solo) {
      runs.push({ W: dims[3]!, solo });
      await new Promise((r) => setTimeout(r, 5));
      const steps = dims[3]! / 8;
      const n = dims[0]! * steps;
      return { best: new Int32Array(n), bestProb: new Float32Array(n).fill(0.9), spaceProb: new Float32Array(n), steps };
    },
    release: async () => {},
  };
  return { runner, runs };
}

const crop = (width: number): Rgb => ({ data: new Uint8Array(width * 48 * 3), width, height: 48 });

describe('widthBatches', () => {
  it('groups similar widths, at most batchSize, each padded to its widest line rounded up to 8', () => {
    const widths = [100, 96, 1000, 105, 98, 1040, 2000, 97];
    const batches = widthBatches(widths, 3);
    expect(batches.flatMap((b) => b.batch).sort()).toEqual(widths.map((_, i) => i).sort());
    expect(batches.map((b) => b.batch.map((i) => widths[i]))).toEqual([[96, 97, 98], [100, 105], [1000, 1040], [2000]]);
    expect(batches.map((b) => b.W)).toEqual([104, 112, 1040, 2000]);
  });
});

describe('splitBatch', () => {
  it('cuts a wide batch into nearly equal parts at its own width, and leaves a small one whole', () => {
    expect(splitBatch({ batch: [4, 7, 9], W: 1624 }, 2048)).toEqual([
      { batch: [4], W: 1624 },
      { batch: [7], W: 1624 },
      { batch: [9], W: 1624 },
    ]);
    expect(splitBatch({ batch: [0, 1, 2, 3, 4, 5, 6, 7], W: 264 }, 2048)).toEqual([
      { batch: [0, 1, 2, 3], W: 264 },
      { batch: [4, 5, 6, 7], W: 264 },
    ]);
    expect(splitBatch({ batch: [0, 1, 2, 3, 4, 5, 6, 7], W: 96 }, 2048)).toEqual([{ batch: [0, 1, 2, 3, 4, 5, 6, 7], W: 96 }]);
  });
});

describe('Recognizer', () => {
  it('marks a batch solo only when nothing is queued after it and no other lane is running', async () => {
    const two = recordingRunner(2);
    // Three batches (widths far apart): the last one starts while the first lane's batch still runs.
    await new Recognizer(two.runner, ['', 'a', ' ']).recognize([crop(960), crop(480), crop(96)]);
    expect(two.runs).toEqual([
      { W: 960, solo: false },
      { W: 480, solo: false },
      { W: 96, solo: false },
    ]);
    const one = recordingRunner(2);
    await new Recognizer(one.runner, ['', 'a', ' ']).recognize([crop(480)]);
    expect(one.runs).toEqual([{ W: 480, solo: true }]);
    // One lane: the last batch runs after the others have finished.
    const serial = recordingRunner(1);
    await new Recognizer(serial.runner, ['', 'a', ' ']).recognize([crop(960), crop(96)]);
    expect(serial.runs).toEqual([
      { W: 960, solo: false },
      { W: 96, solo: true },
    ]);
  });
});
