import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { CTC_OUTPUTS } from '../ctc-outputs';
import { ocrSessionOptions, OcrPipeline } from '../pipeline';
import { recognizerModel } from '../rec-model';
import { listPages } from './evaluate';
import { tapRecogniser } from './tap-recogniser';

/**
 * fp32 against int8 recogniser on the same line crops, interleaved in one process:
 * `tsx eval/ab-int8.ts <dir> [pages] [rounds]`. Prints time per round for each, and how many
 * crops decode to the same class sequence.
 */
async function main() {
  const dir = resolve(process.argv[2] ?? '');
  const pageCount = Number(process.argv[3] ?? 12);
  const rounds = Number(process.argv[4] ?? 3);
  const pipeline = await OcrPipeline.load({ int8: false });
  const feeds: ort.InferenceSession.FeedsType[] = [];
  tapRecogniser(pipeline, (data, dims) => void feeds.push({ x: new ort.Tensor('float32', data, dims) }));
  for (const name of (await listPages(dir)).slice(0, pageCount)) await pipeline.recognizeBytes(await readFile(join(dir, name + '.png')));
  await pipeline.release();
  const options = ocrSessionOptions(2);
  const sessions = {
    fp32: await ort.InferenceSession.create((await recognizerModel({ int8: false })).bytes, options),
    int8: await ort.InferenceSession.create((await recognizerModel({ int8: true })).bytes, options),
  };
  const ms = { fp32: [] as number[], int8: [] as number[] };
  const best = { fp32: [] as Int32Array[], int8: [] as Int32Array[] };
  for (let r = 0; r < rounds; r++) {
    for (const which of r % 2 ? (['int8', 'fp32'] as const) : (['fp32', 'int8'] as const)) {
      const t = performance.now();
      for (const [i, f] of feeds.entries()) {
        const out = await sessions[which].run(f);
        if (r === 0) best[which][i] = out[CTC_OUTPUTS.best]!.data as Int32Array;
      }
      ms[which].push(performance.now() - t);
    }
  }
  let same = 0, crops = 0, steps = 0, stepsSame = 0;
  for (const [i, f] of feeds.entries()) {
    const [n] = f[Object.keys(f)[0]!]!.dims;
    const [a, b] = [best.fp32[i]!, best.int8[i]!];
    const T = a.length / n!;
    for (let k = 0; k < n!; k++) {
      const collapse = (x: Int32Array) => [...x.subarray(k * T, (k + 1) * T)].filter((c, j, all) => c !== 0 && c !== all[j - 1]).join(',');
      crops++;
      if (collapse(a) === collapse(b)) same++;
    }
    for (let j = 0; j < a.length; j++, steps++) if (a[j] === b[j]) stepsSame++;
  }
  const med = (v: number[]) => [...v].sort((p, q) => p - q)[v.length >> 1]!;
  process.stdout.write(
    `${feeds.length} batches, ${crops} crops, ${rounds} rounds interleaved, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n` +
      `fp32 ${ms.fp32.map((v) => v.toFixed(0)).join(' ')} ms\nint8 ${ms.int8.map((v) => v.toFixed(0)).join(' ')} ms\n` +
      `int8/fp32 (median rounds) ${(med(ms.int8) / med(ms.fp32)).toFixed(3)}\n` +
      `same collapsed classes: ${same}/${crops} crops; same argmax: ${((100 * stepsSame) / steps).toFixed(2)} % of steps\n`,
  );
  await Promise.all([sessions.fp32.release(), sessions.int8.release()]);
}

void main();
