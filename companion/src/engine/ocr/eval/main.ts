import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { evaluateOcr, type EngineChoice, type OcrEvaluation } from './evaluate';

const USAGE = 'usage: npm run eval:ocr -- <dir> [--json] [--engine loupe|tesseract|both]';

function parseArgs(argv: string[]) {
  let dir: string | undefined;
  let json = false;
  let engines: EngineChoice[] = ['loupe', 'tesseract'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--engine') {
      const v = argv[++i];
      if (v === 'both') engines = ['loupe', 'tesseract'];
      else if (v === 'loupe' || v === 'tesseract') engines = [v];
      else throw new Error(`--engine takes loupe, tesseract or both (got ${v ?? 'nothing'})`);
    } else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (!a.startsWith('-') && !dir) dir = a;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!dir) throw new Error(`no folder given\n${USAGE}`);
  return { dir: resolve(dir), json, engines };
}

const pct = (v: number | undefined) => (v === undefined ? '' : `${(v * 100).toFixed(2)} %`);

async function main() {
  const { dir, json, engines } = parseArgs(process.argv.slice(2));
  const results: OcrEvaluation[] = [];
  for (const engine of engines) {
    if (!json) console.log(`\n${engine} …`);
    const result = await evaluateOcr(dir, {
      engine,
      onPage: json ? undefined : (p) => console.log(`  ${p.name.padEnd(28)} CER ${pct(p.cer).padStart(8)}  ${p.wer === undefined ? ' '.repeat(13) : `WER ${pct(p.wer).padStart(8)}`}  ${p.ms.toFixed(0).padStart(6)} ms  (cpu ${p.cpuMs.toFixed(0)} ms)`),
    });
    results.push(result);
  }
  const conditions = { cpus: availableParallelism(), loadavg1m: Number(loadavg()[0]!.toFixed(2)), node: process.version };
  if (json) {
    console.log(JSON.stringify({ dir, conditions, results: results.map((r) => ({ ...r, pages: r.pages.map(({ chars, words, ...p }) => ({ ...p, chars: chars.length, words: words?.length })) })) }));
    return;
  }
  console.log(`\n${'engine'.padEnd(32)} ${'CER'.padStart(8)} ${'EN WER'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p50 cpu ms'.padStart(11)}`);
  for (const r of results) {
    console.log(`${r.engine.padEnd(32)} ${pct(r.cer).padStart(8)} ${pct(r.enWer).padStart(9)} ${r.msP50.toFixed(0).padStart(8)} ${r.cpuMsP50.toFixed(0).padStart(11)}`);
  }
  console.log(`(${results[0]?.pages.length ?? 0} pages; ${conditions.cpus} cpus, load average ${conditions.loadavg1m} at the end; model loaded and warmed up before timing)`);
}

main().catch((err: unknown) => {
  console.error(`eval:ocr: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
