import { readFile } from 'node:fs/promises';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { join } from 'node:path';
import { OcrPipeline } from './pipeline';
import { listPages } from './eval/evaluate';
async function main() {
  const dir = '../test/fixtures/ocr-corpus/tune';
  const p = await OcrPipeline.load({});
  const gc = new Map<string, { n: number; ms: number }>();
  const obs = new PerformanceObserver((l) => { for (const e of l.getEntries()) { const k = String((e as any).detail?.kind ?? (e as any).kind); const g = gc.get(k) ?? { n: 0, ms: 0 }; g.n++; g.ms += e.duration; gc.set(k, g); } });
  const names = await listPages(dir);
  await p.recognizeBytes(await readFile(join(dir, names[0]! + '.png')));
  obs.observe({ entryTypes: ['gc'] });
  let total = 0;
  for (const n of names) { const b = await readFile(join(dir, n + '.png')); const t = performance.now(); await p.recognizeBytes(b); total += performance.now() - t; }
  await new Promise((r) => setTimeout(r, 100));
  obs.disconnect();
  const kinds: Record<string, string> = { [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major', [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor', [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb' };
  console.log('pages', names.length, 'ms/page', (total / names.length).toFixed(0));
  for (const [k, v] of gc) console.log(kinds[k] ?? k, v.n, 'ms/page', (v.ms / names.length).toFixed(1));
  await p.release();
}
void main();
