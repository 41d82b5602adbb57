import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { createReader, ENGINES, evaluateEngines, type EngineChoice, type PageReader } from './evaluate';
import { classTable, pageLine, styleTable, summaryTable } from './report';

const USAGE = 'usage: npm run eval:ocr -- <dir> [--json] [--engine loupe|gutenye|tesseract|loupe,gutenye|both|all] [--dump <dir>]';

function parseArgs(argv: string[]) {
  let dir: string | undefined;
  let dump: string | undefined;
  let json = false;
  let engines: EngineChoice[] = ['loupe', 'tesseract'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--json') json = true;
    else if (a === '--dump') {
      dump = argv[++i];
      if (!dump) throw new Error('--dump takes a folder for each engine\'s text (<name>.<engine>.txt)');
    } else if (a === '--engine') {
      const v = argv[++i];
      if (v === 'both') engines = ['loupe', 'tesseract'];
      else if (v === 'all') engines = [...ENGINES];
      else if (v && v.split(',').every((e) => (ENGINES as readonly string[]).includes(e))) engines = v.split(',') as EngineChoice[];
      else throw new Error(`--engine takes loupe, gutenye, tesseract (or a comma list of them), both (loupe + tesseract) or all (got ${v ?? 'nothing'})`);
    } else if (a === '-h' || a === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else if (!a.startsWith('-') && !dir) dir = a;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  if (!dir) throw new Error(`no folder given\n${USAGE}`);
  return { dir: resolve(dir), json, engines, dump: dump && resolve(dump) };
}

async function main() {
  const { dir, json, engines, dump } = parseArgs(process.argv.slice(2));
  const readers: PageReader[] = [];
  try {
    for (const engine of engines) readers.push(await createReader(engine));
    const results = await evaluateEngines(dir, readers, json ? undefined : (engine, p) => console.log(pageLine(engine, p)));
    const reference = results[engines.indexOf('gutenye')];
    if (dump) {
      await mkdir(dump, { recursive: true });
      for (const [k, r] of results.entries()) for (const p of r.pages) await writeFile(join(dump, `${p.name}.${engines[k]}.txt`), p.text + '\n');
    }
    const conditions = { cpus: availableParallelism(), loadavg1m: Number(loadavg()[0]!.toFixed(2)), node: process.version };
    if (json) {
      const slim = results.map((r) => ({ ...r, msRatioToShipped: reference ? r.msP50 / reference.msP50 : undefined, pages: r.pages.map(({ chars, words, text: _text, classes: _classes, ...p }) => ({ ...p, chars: chars.length, words: words?.length })) }));
      console.log(JSON.stringify({ dir, conditions, results: slim }));
      return;
    }
    console.log('');
    for (const line of styleTable(results)) console.log(line);
    console.log('');
    for (const line of classTable(results)) console.log(line);
    console.log('');
    for (const line of summaryTable(results, reference)) console.log(line);
    console.log(`(${results[0]?.pages.length ?? 0} pages, each read by every engine in turn; ${conditions.cpus} cpus, load average ${conditions.loadavg1m} at the end; models loaded and warmed up before timing${reference ? '; time ratio = p50 over PP-OCR as shipped' : ''})`);
  } finally {
    for (const r of readers) await r.close();
  }
}

main().catch((err: unknown) => {
  console.error(`eval:ocr: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
