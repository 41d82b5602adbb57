import { openTesseract, type TesseractWorkers } from '../engine/ocr/eval/tesseract';

/**
 * Tesseract as the bench's reference OCR. English pages run with `eng`, Chinese pages with
 * `chi_sim+eng`: each gets the language setup a user would pick, which is the fairest comparison.
 */
export class TesseractRef {
  private constructor(private readonly tess: TesseractWorkers) {}

  static async create(): Promise<TesseractRef> {
    return new TesseractRef(await openTesseract([['eng'], ['chi_sim', 'eng']]));
  }

  async recognize(bytes: Buffer, english: boolean): Promise<string> {
    const { data } = await this.tess.workers[english ? 0 : 1]!.recognize(bytes);
    return data.text;
  }

  close(): Promise<void> {
    return this.tess.close();
  }
}
