import { ctcGreedyDecode, type CtcChar } from './ctc';
import { writeNormalizedBgr, type Rgb } from './raster';
import type { RecRunner } from './rec-runner';

const REC_H = 48;
const HALF = [0.5, 0.5, 0.5] as const;

export interface Recognised {
  chars: CtcChar[];
  score: number;
  /** Input pixels (of the crop given) per recogniser time step, to map CTC steps back to pixels. */
  pxPerStep: number;
  /** Time steps the output has (covering the padded tensor width). */
  steps: number;
}

export interface RecognizeOptions {
  batchSize: number;
  /** Widest line fed in one piece, in recogniser pixels; longer crops are cut with overlap. */
  maxWidth: number;
  /** With more than one lane, a batch wider than this (lines × tensor width) runs in parts of about this size. */
  laneColumns: number;
}

export const DEFAULT_RECOGNIZE: RecognizeOptions = { batchSize: 8, maxWidth: 3200, laneColumns: 2048 };

export class Recognizer {
  /** `runner` runs the recogniser after `compactCtcOutputs` (see rec-runner.ts). */
  constructor(
    private readonly runner: RecRunner,
    private readonly dict: readonly string[],
  ) {}

  /** Recognises line crops (each already oriented left-to-right), batched by width; the batches run concurrently. */
  async recognize(crops: Rgb[], opts: RecognizeOptions = DEFAULT_RECOGNIZE, signal?: AbortSignal): Promise<Recognised[]> {
    signal?.throwIfAborted();
    const widths = crops.map((c) => Math.min(opts.maxWidth, Math.max(8, Math.ceil((c.width * REC_H) / c.height))));
    const batches = widthBatches(widths, opts.batchSize).flatMap((b) => (this.runner.lanes > 1 ? splitBatch(b, opts.laneColumns) : [b]));
    const results: Recognised[] = new Array(crops.length);
    // Largest first, so the last batch to finish is a small one; one batch in flight per lane
    // bounds the tensors held at once.
    const queue = [...batches].sort((a, b) => b.batch.length * b.W - a.batch.length * a.W);
    let running = 0;
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        signal?.throwIfAborted();
        const { batch, W } = next;
        // Nothing queued after it and no other lane busy: the runner may give it every thread.
        const solo = queue.length === 0 && running === 0;
        running++;
        const plane = REC_H * W;
        const tensor = new Float32Array(batch.length * 3 * plane);
        batch.forEach((k, b) => {
          writeNormalizedBgr(crops[k]!, widths[k]!, REC_H, tensor, b * 3 * plane, W, plane, HALF, HALF);
        });
        const decoded = await this.runner.run(tensor, [batch.length, 3, REC_H, W], solo).finally(() => running--);
        const { steps } = decoded;
        batch.forEach((k, b) => {
          const { chars, score } = ctcGreedyDecode(decoded, b * steps, steps, this.dict);
          const pxPerStep = (W / steps) * (crops[k]!.width / widths[k]!);
          results[k] = { chars, score, pxPerStep, steps };
        });
      }
    };
    await Promise.all(Array.from({ length: this.runner.lanes }, lane));
    return results;
  }
}

/**
 * Groups lines of similar recogniser width (sorted by width) into batches of at most
 * `batchSize`, capping the padded area so a few long lines don't pad many short ones.
 * Each batch's tensor width `W` is its widest line rounded up to a multiple of 8.
 */
export function widthBatches(widths: readonly number[], batchSize: number): Array<{ batch: number[]; W: number }> {
  const order = widths.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
  const out: Array<{ batch: number[]; W: number }> = [];
  for (let i = 0; i < order.length; ) {
    const batch: number[] = [order[i]!];
    const first = widths[order[i]!]!;
    let j = i + 1;
    while (j < order.length && batch.length < batchSize && widths[order[j]!]! <= first * 1.1 + 16) batch.push(order[j++]!);
    i = j;
    out.push({ batch, W: Math.ceil(Math.max(...batch.map((k) => widths[k]!)) / 8) * 8 });
  }
  return out;
}

/**
 * A batch cut into nearly equal parts of at most about `columns` (lines × W) each, every part at
 * the batch's W. A line's outputs depend on the tensor width it is padded to, not on the other
 * lines beside it, so the parts read exactly as the whole; smaller runs balance the lanes (two
 * wide prose lines run side by side, not one after the other on one lane while the other idles).
 */
export function splitBatch(b: { batch: number[]; W: number }, columns: number): Array<{ batch: number[]; W: number }> {
  const parts = Math.min(b.batch.length, Math.ceil((b.batch.length * b.W) / columns));
  const size = Math.ceil(b.batch.length / parts);
  const out: Array<{ batch: number[]; W: number }> = [];
  for (let i = 0; i < b.batch.length; i += size) out.push({ batch: b.batch.slice(i, i + size), W: b.W });
  return out;
}

/** The PaddleOCR dictionary: class 0 is the CTC blank, then one character per line, then a space. */
export function buildDictionary(keysText: string): string[] {
  const keys = keysText.split(/\r?\n/);
  if (keys[keys.length - 1] === '') keys.pop();
  return ['', ...keys, ' '];
}
