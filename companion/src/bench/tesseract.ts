import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorker, type Worker } from 'tesseract.js';

const require = createRequire(import.meta.url);

/**
 * Tesseract (tesseract.js, LSTM "best_int" data from the npm packages — no download) as the
 * reference OCR. English pages run with `eng`, Chinese pages with `chi_sim+eng`: each gets
 * the language setup a user would pick, which is the fairest comparison. (Loading two languages,
 * tesseract.js 7 prints a spurious "Error opening data file" line on stderr; recognition is unaffected.)
 */
export class TesseractRef {
  private constructor(
    private readonly eng: Worker,
    private readonly zh: Worker,
    private readonly langDir: string,
  ) {}

  static async create(): Promise<TesseractRef> {
    const langDir = mkdtempSync(join(tmpdir(), 'loupe-tessdata-'));
    for (const lang of ['eng', 'chi_sim']) {
      const pkg = require.resolve(`@tesseract.js-data/${lang}/package.json`);
      writeFileSync(join(langDir, `${lang}.traineddata`), gunzipSync(readFileSync(join(pkg, '..', '4.0.0_best_int', `${lang}.traineddata.gz`))));
    }
    const options = { langPath: langDir, gzip: false, cacheMethod: 'none', logger: () => undefined, errorHandler: () => undefined };
    const [eng, zh] = await Promise.all([createWorker('eng', 1, options), createWorker(['chi_sim', 'eng'], 1, options)]);
    return new TesseractRef(eng, zh, langDir);
  }

  async recognize(bytes: Buffer, english: boolean): Promise<string> {
    const { data } = await (english ? this.eng : this.zh).recognize(bytes);
    return data.text;
  }

  async close(): Promise<void> {
    await Promise.all([this.eng.terminate(), this.zh.terminate()]);
    rmSync(this.langDir, { recursive: true, force: true });
  }
}
