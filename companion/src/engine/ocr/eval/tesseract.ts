import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PageReader } from './evaluate';

/**
 * tesseract.js 7 (chi_sim + eng) as the comparison column, fully offline: the traineddata
 * comes from the npm packages @tesseract.js-data/{eng,chi_sim} (tesseract.js's default
 * "best_int" models). tesseract.js takes one langPath for all languages, so both files are
 * linked into one temporary folder; nothing is cached to the working directory.
 */
export async function createTesseractReader(): Promise<PageReader> {
  const require = createRequire(import.meta.url);
  const { createWorker } = await import('tesseract.js');
  const langDir = await mkdtemp(join(tmpdir(), 'loupe-tess-'));
  for (const lang of ['eng', 'chi_sim']) {
    const pkg = dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`));
    await symlink(join(pkg, '4.0.0_best_int', `${lang}.traineddata.gz`), join(langDir, `${lang}.traineddata.gz`));
  }
  const worker = await createWorker('chi_sim+eng', 1, { langPath: langDir, cachePath: langDir, cacheMethod: 'none', gzip: true });
  return {
    name: 'tesseract.js 7 (chi_sim+eng)',
    async read(bytes) {
      const { data } = await worker.recognize(Buffer.from(bytes));
      return data.text;
    },
    async close() {
      await worker.terminate();
      await rm(langDir, { recursive: true, force: true });
    },
  };
}
