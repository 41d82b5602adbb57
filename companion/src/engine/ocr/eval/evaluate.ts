import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { charErrors, isEnglishPage, median, microAverage, wordErrors, type EditCount } from './score';

/** Something that turns one page image into text (the Loupe engine, tesseract.js). */
export interface PageReader {
  name: string;
  read(bytes: Uint8Array): Promise<string>;
  close(): Promise<void>;
}

export interface PageScore {
  name: string;
  english: boolean;
  cer: number;
  /** Only for English pages. */
  wer?: number;
  ms: number;
  /** Process CPU time for the page: less sensitive than wall time to other load on the machine. */
  cpuMs: number;
  chars: EditCount;
  words?: EditCount;
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

export type EngineChoice = 'loupe' | 'tesseract';

/** Pages of a dev/eval folder: every `<name>.png` with a `<name>.txt` beside it. */
export async function listPages(dir: string): Promise<string[]> {
  const files = new Set(await readdir(dir));
  return [...files].filter((f) => f.endsWith('.png') && files.has(f.slice(0, -4) + '.txt')).map((f) => f.slice(0, -4)).sort();
}

export async function createReader(engine: EngineChoice): Promise<PageReader> {
  if (engine === 'tesseract') return (await import('./tesseract')).createTesseractReader();
  const { OcrPipeline } = await import('../pipeline');
  const pipeline = await OcrPipeline.load();
  return {
    name: 'loupe ppocr (PP-OCRv4)',
    read: async (bytes) => (await pipeline.recognizeBytes(bytes)).text,
    close: () => pipeline.release(),
  };
}

/**
 * Scores an OCR engine on a folder of `<name>.png` + `<name>.txt` with the dev set's
 * definitions. The model is loaded (and warmed up on the first page) before timing.
 */
export async function evaluateOcr(
  dir: string,
  options: { engine?: EngineChoice; reader?: PageReader; onPage?: (page: PageScore) => void } = {},
): Promise<OcrEvaluation> {
  const names = await listPages(dir);
  if (names.length === 0) throw new Error(`no <name>.png + <name>.txt pairs in ${dir}`);
  const reader = options.reader ?? (await createReader(options.engine ?? 'loupe'));
  try {
    await reader.read(await readFile(join(dir, names[0]! + '.png')));
    const pages: PageScore[] = [];
    for (const name of names) {
      const bytes = await readFile(join(dir, name + '.png'));
      const reference = await readFile(join(dir, name + '.txt'), 'utf8');
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const text = await reader.read(bytes);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const english = isEnglishPage(name);
      const chars = charErrors(text, reference);
      const words = english ? wordErrors(text, reference) : undefined;
      const page: PageScore = {
        name,
        english,
        cer: chars.length ? chars.errors / chars.length : 0,
        ...(words ? { wer: words.length ? words.errors / words.length : 0, words } : {}),
        ms,
        cpuMs: (cpu.user + cpu.system) / 1000,
        chars,
      };
      pages.push(page);
      options.onPage?.(page);
    }
    return {
      engine: reader.name,
      pages,
      cer: microAverage(pages.map((p) => p.chars)),
      enWer: microAverage(pages.flatMap((p) => (p.words ? [p.words] : []))),
      msP50: median(pages.map((p) => p.ms)),
      cpuMsP50: median(pages.map((p) => p.cpuMs)),
    };
  } finally {
    if (!options.reader) await reader.close();
  }
}
