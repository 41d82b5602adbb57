import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { OcrPipeline, type OcrPipelineOptions } from '../pipeline';
import { listPages } from './evaluate';

/**
 * Two pipeline configurations on the same pages, interleaved page by page (A B, B A, …) in one
 * process: `tsx eval/ab-pipelines.ts <dir> '<json options A>' '<json options B>' [rounds]`.
 * Prints each one's total wall and CPU time, B/A, and the pages whose text differs.
 */
async function main() {
  const dir = resolve(process.argv[2] ?? '');
  const options = [process.argv[3], process.argv[4]].map((s) => JSON.parse(s ?? '{}') as OcrPipelineOptions);
  const rounds = Number(process.argv[5] ?? 2);
  const pipelines = await Promise.all(options.map((o) => OcrPipeline.load(o)));
  const names = await listPages(dir);
  const wall = [0, 0], cpu = [0, 0];
  const texts: string[][] = [[], []];
  const first = await readFile(join(dir, names[0]! + '.png'));
  for (const p of pipelines) await p.recognizeBytes(first);
  const load0 = loadavg()[0]!;
  for (let r = 0; r < rounds; r++) {
    for (const [i, name] of names.entries()) {
      const bytes = await readFile(join(dir, name + '.png'));
      for (const k of (r + i) % 2 ? [1, 0] : [0, 1]) {
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        const out = await pipelines[k]!.recognizeBytes(bytes);
        wall[k]! += performance.now() - t0;
        const c = process.cpuUsage(c0);
        cpu[k]! += (c.user + c.system) / 1000;
        if (r === 0) texts[k]![i] = out.text;
      }
    }
  }
  await Promise.all(pipelines.map((p) => p.release()));
  const per = (v: number) => (v / names.length / rounds).toFixed(0);
  const differ = names.filter((_, i) => texts[0]![i] !== texts[1]![i]);
  process.stdout.write(
    `${names.length} pages × ${rounds}, load ${load0.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}\n` +
      `A ${per(wall[0]!)} ms/page wall, ${per(cpu[0]!)} ms cpu\nB ${per(wall[1]!)} ms/page wall, ${per(cpu[1]!)} ms cpu\n` +
      `B/A wall ${(wall[1]! / wall[0]!).toFixed(3)}, cpu ${(cpu[1]! / cpu[0]!).toFixed(3)}\ntext differs on ${differ.length} pages${differ.length ? ': ' + differ.join(' ') : ''}\n`,
  );
}

void main();
