import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRegion } from './decode';
import { resolvePpOcrModelFiles } from './model-files';
import { ocrSessionOptions } from './pipeline';
import { cropRgb, padToWidth, type Rgb } from './raster';
import { fp32RecognizerModel } from './rec-model';
import { sessionRunner, workerRunner, type RecRunner } from './rec-runner';
import { buildDictionary, Recognizer } from './recognizer';

/** A terminal page of the tune part: rows of many widths, so the crops fall into several batches. */
const PAGE = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/ocr-corpus/tune/c_en-011-term-light.png');

let session: RecRunner, workers: RecRunner, dict: string[];
let crops: Rgb[];

beforeAll(async () => {
  const model = await fp32RecognizerModel();
  dict = buildDictionary(await readFile(resolvePpOcrModelFiles().keys, 'utf8'));
  session = sessionRunner(await ort.InferenceSession.create(model, ocrSessionOptions(2)));
  workers = await workerRunner(model, 2, ocrSessionOptions(1), ocrSessionOptions(2));
  const { rgb } = await decodeRegion(await readFile(PAGE));
  // Strips of the page's rows at several widths (whole rows, halves, a lone cell widened as the pipeline does).
  crops = [];
  for (let y = 8; y + 22 < Math.min(rgb.height, 200); y += 22) {
    crops.push(cropRgb(rgb, [0, y, rgb.width, y + 22]), cropRgb(rgb, [0, y, rgb.width >> 1, y + 22]));
    const cell = cropRgb(rgb, [8, y, 30, y + 22]);
    crops.push(padToWidth(cell, 2 * cell.height));
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([session?.release(), workers?.release()]);
});

describe('workerRunner', () => {
  it('reads every crop exactly as one in-process session does, with batches in flight on both workers', async () => {
    const [a, b] = await Promise.all([new Recognizer(session, dict).recognize(crops), new Recognizer(workers, dict).recognize(crops)]);
    expect(crops.length).toBeGreaterThan(20);
    expect(a.some((r) => r.chars.length > 10)).toBe(true);
    expect(b).toEqual(a);
  }, 120_000);

  it('gives back the exact outputs of a batch, and says which run failed', async () => {
    const data = new Float32Array(2 * 3 * 48 * 64).map((_, i) => Math.sin(i) * 0.5);
    const ref = await session.run(data.slice(), [2, 3, 48, 64]);
    for (const solo of [false, true]) {
      const got = await workers.run(data.slice(), [2, 3, 48, 64], solo);
      expect(got.steps).toBe(ref.steps);
      expect([...got.best]).toEqual([...ref.best]);
      expect([...got.bestProb]).toEqual([...ref.bestProb]);
      expect([...got.spaceProb]).toEqual([...ref.spaceProb]);
    }
    await expect(workers.run(new Float32Array(10), [1, 3, 48, 64])).rejects.toThrow(/recogniser run failed/);
  }, 60_000);
});
