import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStandIn, type StandInOptions } from '@loupe/models';

/**
 * A tiny stand-in Qwen-VL model directory in a temp dir (noise output, real plumbing).
 * eosAfter counts prompt + image + answer tokens: 200 leaves a short answer for small test images.
 */
export async function standInModel(options: Partial<StandInOptions> = {}): Promise<{ dir: string; cleanup(): void }> {
  const root = mkdtempSync(join(tmpdir(), 'loupe-standin-'));
  const dir = join(root, 'model');
  await buildStandIn(dir, { family: 'qwen2_5_vl', eosAfter: 200, ...options });
  return { dir, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}
