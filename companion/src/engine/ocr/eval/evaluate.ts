import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { classCounts, type ClassCount } from './classes';
import { charErrors, isEnglishPage, median, microAverage, wordErrors, type EditCount } from './score';

/** Something that turns one page image into text (the Loupe engine, PP-OCR as shipped, tesseract.js). */
export interface PageReader {
  name: string;
  read(bytes: Uint8Array): Promise<string>;
  close(): Promise<void>;
}

export interface PageScore {
  name: string;
  /** See pageStyle. */
  style: string;
  english: boolean;
  cer: number;
  /** Only for English pages. */
  wer?: number;
  ms: number;
  /** Process CPU time for the page: less sensitive than wall time to other load on the machine. */
  cpuMs: number;
  chars: EditCount;
  words?: EditCount;
  /** The engine's text, for reading failures side by side with the truth. */
  text: string;
  /** Issue 18's failure classes on this page (see classes.ts). */
  classes: Record<string, ClassCount>;
}

export interface OcrEvaluation {
  engine: string;
  pages: PageScore[];
  /** Micro-averaged, as fractions (0.01 = 1 %). */
  cer: number;
  enWer: number;
  msP50: number;
  cpuMsP50: number;
}

export const ENGINES = ['loupe', 'gutenye', 'tesseract'] as const;
export type EngineChoice = (typeof ENGINES)[number];

/** Pages of a dev/eval folder: every `<name>.png` with a `<name>.txt` beside it. */
export async function listPages(dir: string): Promise<string[]> {
  const files = new Set(await readdir(dir));
  return [...files].filter((f) => f.endsWith('.png') && files.has(f.slice(0, -4) + '.txt')).map((f) => f.slice(0, -4)).sort();
}

/**
 * A page's style for per-style rows: what follows the page number in its name
 * (`dev_en-00-dark` → `dark`, `c_zh-031-term-dark` → `term-dark`).
 */
export function pageStyle(name: string): string {
  const m = /-\d+-(.+)$/.exec(name);
  return m ? m[1]! : 'other';
}

export async function createReader(engine: EngineChoice): Promise<PageReader> {
  if (engine === 'tesseract') return (await import('./tesseract')).createTesseractReader();
  if (engine === 'gutenye') return (await import('./gutenye')).createGutenyeReader();
  const { OcrPipeline } = await import('../pipeline');
  const pipeline = await OcrPipeline.load();
  return {
    name: 'loupe ppocr (PP-OCRv4)',
    read: async (bytes) => (await pipeline.recognizeBytes(bytes)).text,
    close: () => pipeline.release(),
  };
}

function summarize(engine: string, pages: PageScore[]): OcrEvaluation {
  return {
    engine,
    pages,
    cer: microAverage(pages.map((p) => p.chars)),
    enWer: microAverage(pages.flatMap((p) => (p.words ? [p.words] : []))),
    msP50: median(pages.map((p) => p.ms)),
    cpuMsP50: median(pages.map((p) => p.cpuMs)),
  };
}

async function scoreRead(reader: PageReader, name: string, bytes: Uint8Array, reference: string): Promise<PageScore> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const text = await reader.read(bytes);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const english = isEnglishPage(name);
  const chars = charErrors(text, reference);
  const words = english ? wordErrors(text, reference) : undefined;
  return {
    name,
    style: pageStyle(name),
    english,
    cer: chars.length ? chars.errors / chars.length : 0,
    ...(words ? { wer: words.length ? words.errors / words.length : 0, words } : {}),
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    chars,
    text,
    classes: classCounts(text, reference, pageStyle(name)),
  };
}

/**
 * Scores several engines on a folder of `<name>.png` + `<name>.txt` with the dev set's
 * definitions. Every engine is loaded and warmed up on the first page before timing; then each
 * page is read by every engine in turn, so load on a shared machine falls on all of them alike
 * and their time ratio is fair.
 */
export async function evaluateEngines(
  dir: string,
  readers: readonly PageReader[],
  onPage?: (engine: string, page: PageScore) => void,
): Promise<OcrEvaluation[]> {
  const names = await listPages(dir);
  if (names.length === 0) throw new Error(`no <name>.png + <name>.txt pairs in ${dir}`);
  const first = await readFile(join(dir, names[0]! + '.png'));
  for (const reader of readers) await reader.read(first);
  const pages = readers.map(() => [] as PageScore[]);
  for (const name of names) {
    const bytes = await readFile(join(dir, name + '.png'));
    const reference = await readFile(join(dir, name + '.txt'), 'utf8');
    for (const [k, reader] of readers.entries()) {
      const page = await scoreRead(reader, name, bytes, reference);
      pages[k]!.push(page);
      onPage?.(reader.name, page);
    }
  }
  return readers.map((r, k) => summarize(r.name, pages[k]!));
}

/** One engine on a folder (see evaluateEngines). */
export async function evaluateOcr(
  dir: string,
  options: { engine?: EngineChoice; reader?: PageReader; onPage?: (page: PageScore) => void } = {},
): Promise<OcrEvaluation> {
  const reader = options.reader ?? (await createReader(options.engine ?? 'loupe'));
  try {
    const [result] = await evaluateEngines(dir, [reader], options.onPage && ((_, p) => options.onPage!(p)));
    return result!;
  } finally {
    if (!options.reader) await reader.close();
  }
}
