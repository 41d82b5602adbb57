import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PageReader } from './evaluate';

/**
 * PP-OCRv4 as shipped by `@gutenye/ocr-node` (same weights as Loupe's engine, its own pre- and
 * post-processing, onnxruntime defaults) as a comparison column of `pnpm eval:ocr`. It reads a
 * file path, so each page is written to a temporary file first (that write is part of its timed
 * read, ~1 ms). Loupe's sharp blocks libvips's file loaders process-wide
 * (intake/sharp.ts); this eval-only reader unblocks the PNG file loader for its own temp file.
 */
export async function createGutenyeReader(): Promise<PageReader> {
  const { sharp } = await import('../../../intake/sharp');
  sharp.unblock({ operation: ['VipsForeignLoadPngFile'] });
  const { default: Ocr } = await import('@gutenye/ocr-node');
  const ocr = await Ocr.create();
  const dir = await mkdtemp(join(tmpdir(), 'loupe-gutenye-'));
  const file = join(dir, 'page.png');
  return {
    name: 'PP-OCRv4 as shipped (@gutenye/ocr-node)',
    async read(bytes) {
      await writeFile(file, bytes);
      const lines = (await ocr.detect(file)) as Array<{ text: string }>;
      return lines.map((l) => l.text).join('\n');
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}
