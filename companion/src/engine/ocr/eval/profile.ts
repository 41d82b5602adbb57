import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { OcrPipeline } from '../pipeline';
import { listPages } from './evaluate';
import { tapDetectorAndClassifier, tapRecogniser } from './tap-recogniser';

/** Wall time per stage of the Loupe pipeline over a folder: `tsx eval/profile.ts <dir>`. */
async function main() {
  const dir = resolve(process.argv[2] ?? '');
  const pipeline = await OcrPipeline.load();
  const totals: Record<string, number> = {};
  const add = (k: string, ms: number) => (totals[k] = (totals[k] ?? 0) + ms);
  const count = (key: string, ms: number, dims: readonly number[]) => {
    add(`${key}.run`, ms);
    add(`${key}.px`, dims.reduce((a, b) => a * b, 1) / 1e6);
    add(`${key}.calls`, 1);
  };
  tapDetectorAndClassifier(pipeline, count);
  // Recogniser runs may overlap (worker threads): rec.run sums their wall times.
  tapRecogniser(pipeline, () => {}, (ms, dims) => count('rec', ms, dims));
  const names = await listPages(dir);
  await pipeline.recognizeBytes(await readFile(join(dir, names[0]! + '.png')));
  for (const k of Object.keys(totals)) delete totals[k];
  for (const name of names) {
    const bytes = await readFile(join(dir, name + '.png'));
    const t = performance.now();
    const out = await pipeline.recognizeBytes(bytes);
    add('total', performance.now() - t);
    add('decode', out.timings.decodeMs);
    add('post', out.timings.postMs);
    add('detect', out.timings.detectMs);
    add('recognize', out.timings.recognizeMs);
  }
  await pipeline.release();
  for (const [k, v] of Object.entries(totals)) process.stdout.write(`${k.padEnd(12)} ${(v / names.length).toFixed(1)} per page\n`);
}

void main();
