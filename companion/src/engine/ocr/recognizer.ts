import * as ort from 'onnxruntime-node';
import { ctcGreedyDecode, type CtcChar, type CtcSteps } from './ctc';
import { CTC_OUTPUTS } from './ctc-outputs';
import { writeNormalizedBgr, type Rgb } from './raster';

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
}

export const DEFAULT_RECOGNIZE: RecognizeOptions = { batchSize: 8, maxWidth: 3200 };

export class Recognizer {
  /** `session` is the recogniser after `compactCtcOutputs`. */
  constructor(
    private readonly session: ort.InferenceSession,
    private readonly dict: readonly string[],
  ) {}

  /** Recognises line crops (each already oriented left-to-right), batched by width. */
  async recognize(crops: Rgb[], opts: RecognizeOptions = DEFAULT_RECOGNIZE, signal?: AbortSignal): Promise<Recognised[]> {
    const widths = crops.map((c) => Math.min(opts.maxWidth, Math.max(8, Math.ceil((c.width * REC_H) / c.height))));
    const order = crops.map((_, i) => i).sort((a, b) => widths[a]! - widths[b]!);
    const results: Recognised[] = new Array(crops.length);
    for (let i = 0; i < order.length; ) {
      signal?.throwIfAborted();
      // Batch lines of similar width; cap the padded area so a few long lines don't pad many short ones.
      const batch: number[] = [order[i]!];
      const first = widths[order[i]!]!;
      let j = i + 1;
      while (j < order.length && batch.length < opts.batchSize && widths[order[j]!]! <= first * 1.1 + 16) batch.push(order[j++]!);
      i = j;
      const maxW = Math.max(...batch.map((k) => widths[k]!));
      const W = Math.ceil(maxW / 8) * 8;
      const plane = REC_H * W;
      const tensor = new Float32Array(batch.length * 3 * plane);
      batch.forEach((k, b) => {
        writeNormalizedBgr(crops[k]!, widths[k]!, REC_H, tensor, b * 3 * plane, W, plane, HALF, HALF);
      });
      const feeds = { [this.session.inputNames[0]!]: new ort.Tensor('float32', tensor, [batch.length, 3, REC_H, W]) };
      const out = await this.session.run(feeds);
      const best = out[CTC_OUTPUTS.best]!;
      const steps = best.dims[1]!;
      const decoded: CtcSteps = {
        best: best.data as Int32Array,
        bestProb: out[CTC_OUTPUTS.bestProb]!.data as Float32Array,
        spaceProb: out[CTC_OUTPUTS.spaceProb]!.data as Float32Array,
      };
      batch.forEach((k, b) => {
        const { chars, score } = ctcGreedyDecode(decoded, b * steps, steps, this.dict);
        const pxPerStep = (W / steps) * (crops[k]!.width / widths[k]!);
        results[k] = { chars, score, pxPerStep, steps };
      });
      for (const t of Object.values(out)) t.dispose();
    }
    return results;
  }
}

/** The PaddleOCR dictionary: class 0 is the CTC blank, then one character per line, then a space. */
export function buildDictionary(keysText: string): string[] {
  const keys = keysText.split(/\r?\n/);
  if (keys[keys.length - 1] === '') keys.pop();
  return ['', ...keys, ' '];
}
