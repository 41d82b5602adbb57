import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Worker } from 'tesseract.js';
import type { PageReader } from './evaluate';

export interface TesseractWorkers {
  /** One worker per language set, in the order asked for. */
  workers: Worker[];
  close(): Promise<void>;
}

/**
 * tesseract.js 7 workers, fully offline: the traineddata comes from the npm packages
 * @tesseract.js-data/{eng,chi_sim} (tesseract.js's default "best_int" models). tesseract.js takes
 * one langPath for all languages, so both files are linked into one temporary folder; nothing is
 * cached to the working directory.
 */
export async function openTesseract(languageSets: Array<Array<'eng' | 'chi_sim'>>): Promise<TesseractWorkers> {
  const require = createRequire(import.meta.url);
  const { createWorker } = await import('tesseract.js');
  const langDir = await mkdtemp(join(tmpdir(), 'loupe-tess-'));
  for (const lang of ['eng', 'chi_sim']) {
    const pkg = dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
    await symlink(join(pkg, '4.0.0_best_int', `${lang}.traineddata.gz`), join(langDir, `${lang}.traineddata.gz`));
  }
  const options = { langPath: langDir, cachePath: langDir, cacheMethod: 'none', gzip: true, logger: () => undefined, errorHandler: () => undefined };
  // With two languages tesseract.js 7 reads a garbled sub-language name from the first one's data
  // ("Error opening data file ./玂traineddata") and the second language never loads: chi_sim+eng
  // read exactly as chi_sim alone. An empty sub-language list (an init parameter tesseract.js
  // passes through but does not list in its types) loads both.
  const noSublangs = { tessedit_load_sublangs: '' } as unknown as Parameters<typeof createWorker>[3];
  const workers = await Promise.all(languageSets.map((langs) => createWorker(langs, 1, options, noSublangs)));
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.terminate()));
      await rm(langDir, { recursive: true, force: true });
    },
  };
}

/** Tesseract (chi_sim + eng on every page) as the comparison column of `npm run eval:ocr`. */
export async function createTesseractReader(): Promise<PageReader> {
  const tess = await openTesseract([['chi_sim', 'eng']]);
  const worker = tess.workers[0]!;
  return {
    name: 'tesseract.js 7 (chi_sim+eng)',
    async read(bytes) {
      const { data } = await worker.recognize(Buffer.from(bytes));
      return data.text;
    },
    close: () => tess.close(),
  };
}
