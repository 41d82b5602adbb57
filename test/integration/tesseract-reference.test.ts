import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wordErrors } from '@loupe/companion/engine/ocr/eval/score';
import { openTesseract, type TesseractWorkers } from '@loupe/companion/engine/ocr/eval/tesseract';

/** The bench's and eval's reference OCR must really run the languages it names. */
const PAGE = fileURLToPath(new URL('../fixtures/ocr-pages/h_en-00-prose', import.meta.url));

let tess: TesseractWorkers;
beforeAll(async () => {
  tess = await openTesseract([['chi_sim', 'eng'], ['chi_sim']]);
}, 120_000);
afterAll(() => tess?.close());

describe('Tesseract reference', () => {
  it('loads eng beside chi_sim: chi_sim+eng reads an English page better than chi_sim alone', async () => {
    const [png, truth] = await Promise.all([readFile(`${PAGE}.png`), readFile(`${PAGE}.txt`, 'utf8')]);
    const [both, chineseOnly] = tess.workers;
    const wer = async (w: typeof both) => {
      const e = wordErrors((await w!.recognize(png)).data.text, truth);
      return e.errors / e.length;
    };
    const withEng = await wer(both);
    const withoutEng = await wer(chineseOnly);
    expect(withEng).toBeLessThan(withoutEng);
    expect(withEng).toBeLessThan(0.1);
  }, 120_000);
});
