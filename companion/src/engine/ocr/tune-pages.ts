import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll } from 'vitest';
import { OcrPipeline, type OcrOutput } from './pipeline';

const TUNE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/ocr-corpus/tune');

/** The path of a page of the OCR corpus's tune part, by its name without `.png`. */
export const tunePagePath = (name: string): string => resolve(TUNE, `${name}.png`);

/** For tests: one real pipeline for the enclosing describe block (loaded before its tests, released after) that reads tune pages. */
export function tunePageReader(): (name: string) => Promise<OcrOutput> {
  let pipeline: OcrPipeline | undefined;
  beforeAll(async () => {
    pipeline = await OcrPipeline.load();
  }, 120_000);
  afterAll(async () => {
    await pipeline?.release();
  });
  return async (name) => pipeline!.recognizeBytes(new Uint8Array(await readFile(tunePagePath(name))));
}
