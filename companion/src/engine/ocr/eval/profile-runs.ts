import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { Detector } from '../detector';
import { OcrPipeline, type OcrPipelineOptions } from '../pipeline';
import { Recognizer } from '../recognizer';
import { listPages } from './evaluate';
import { tapDetectorAndClassifier, tapRecogniser } from './tap-recogniser';

/**
 * Per page: wall ms of each stage and every recogniser run (pass: batch × width = ms):
 * `tsx eval/profile-runs.ts <dir> [page-name regexp] ['<json pipeline options>']`.
 * Pass 1 reads every line; later passes are re-reads (lone glyphs, upside-down lines).
 */
async function main() {
  const dir = resolve(process.argv[2] ?? '');
  const filter = process.argv[3] ? new RegExp(process.argv[3]) : undefined;
  const pipeline = await OcrPipeline.load(JSON.parse(process.argv[4] ?? '{}') as OcrPipelineOptions);
  let page: Record<string, number> = {};
  let runs: string[] = [];
  let pass = 0;
  const add = (k: string, ms: number) => (page[k] = (page[k] ?? 0) + ms);
  tapDetectorAndClassifier(pipeline, (key, ms) => add(`${key}.run`, ms));
  tapRecogniser(pipeline, () => {}, (ms, dims) => runs.push(`p${pass}:${dims[0]}x${dims[3]}=${ms.toFixed(0)}`));
  const detect = Detector.prototype.detect;
  Detector.prototype.detect = async function (...args) {
    const t = performance.now();
    const r = await detect.apply(this, args);
    add('detect', performance.now() - t);
    return r;
  };
  const recognize = Recognizer.prototype.recognize;
  Recognizer.prototype.recognize = async function (...args) {
    const t = performance.now();
    pass++;
    const r = await recognize.apply(this, args);
    add(`rec.pass${pass}`, performance.now() - t);
    add(`lines.pass${pass}`, args[0].length);
    return r;
  };
  const names = (await listPages(dir)).filter((n) => !filter || filter.test(n));
  await pipeline.recognizeBytes(await readFile(join(dir, names[0]! + '.png')));
  const totals: Record<string, number> = {};
  process.stdout.write(`load ${loadavg()[0]!.toFixed(2)}\n`);
  for (const name of names) {
    const bytes = await readFile(join(dir, name + '.png'));
    page = {};
    runs = [];
    pass = 0;
    const c0 = process.cpuUsage();
    const t = performance.now();
    const out = await pipeline.recognizeBytes(bytes);
    page.total = performance.now() - t;
    const c = process.cpuUsage(c0);
    page.cpu = (c.user + c.system) / 1000;
    page.decode = out.timings.decodeMs;
    page.post = out.timings.postMs;
    page.cropPrep = out.timings.detectMs - (page.detect ?? 0);
    for (const [k, v] of Object.entries(page)) totals[k] = (totals[k] ?? 0) + v;
    const fmt = Object.entries(page).sort().map(([k, v]) => `${k}=${v.toFixed(0)}`).join(' ');
    process.stdout.write(`${name} ${fmt}\n   runs ${runs.join(' ')}\n`);
  }
  await pipeline.release();
  process.stdout.write(`load ${loadavg()[0]!.toFixed(2)}\nMEAN ` + Object.entries(totals).sort().map(([k, v]) => `${k}=${(v / names.length).toFixed(1)}`).join(' ') + '\n');
}

void main();
