import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { expect, it } from 'vitest';
import { compactCtcOutputs, CTC_OUTPUTS } from './ctc-outputs';
import { resolvePpOcrModelFiles } from './model-files';

it('computes the per-step argmax, its probability and the space probability in the graph', async () => {
  const original = readFileSync(resolvePpOcrModelFiles().rec);
  const shape = [2, 3, 48, 160];
  const input = Float32Array.from({ length: 2 * 3 * 48 * 160 }, (_, i) => Math.sin(i * 0.37) * 1.5);
  const run = async (bytes: Uint8Array) => {
    const s = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, intraOpNumThreads: 1 });
    try {
      return await s.run({ [s.inputNames[0]!]: new ort.Tensor('float32', input, shape) });
    } finally {
      await s.release();
    }
  };
  const full = Object.values(await run(original))[0]!;
  const [, steps, classes] = full.dims as [number, number, number];
  const space = classes - 1;
  const compact = await run(compactCtcOutputs(original, space));
  const best = compact[CTC_OUTPUTS.best]!.data as Int32Array;
  const bestProb = compact[CTC_OUTPUTS.bestProb]!.data as Float32Array;
  const spaceProb = compact[CTC_OUTPUTS.spaceProb]!.data as Float32Array;
  expect(best.length).toBe(2 * steps);
  const probs = full.data as Float32Array;
  for (let t = 0; t < 2 * steps; t++) {
    let arg = 0;
    for (let c = 1; c < classes; c++) if (probs[t * classes + c]! > probs[t * classes + arg]!) arg = c;
    expect(best[t]).toBe(arg);
    expect(bestProb[t]).toBeCloseTo(probs[t * classes + arg]!, 5);
    expect(spaceProb[t]).toBeCloseTo(probs[t * classes + space]!, 5);
  }
});
