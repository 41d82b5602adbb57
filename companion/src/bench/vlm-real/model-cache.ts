import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCatalogEntry, getFamily } from '@loupe/models';
import { getRealDims } from '@loupe/models/real-dims';
import { buildFullStandIn } from '@loupe/models/standin/full/build-full';
import { writeGguf } from './gguf-writer';

export interface RealModels {
  dir: string;
  gguf: string;
  /** Bytes of the ONNX decoder's weights: all of them are read for every decoded token. */
  onnxDecoderBytes: number;
  ggufBytesPerToken: number;
  built: boolean;
}

const MARKER = '.loupe-bench-complete.json';

/** The full-size stand-in and its GGUF twin, built once into a cache folder and reused after. */
export async function ensureRealModels(size: string, log: (m: string) => void, cacheRoot = join(tmpdir(), 'loupe-bench-real')): Promise<RealModels> {
  const entry = getCatalogEntry(size);
  const dims = getRealDims(entry.id);
  const dir = join(cacheRoot, `${entry.id}-q4`);
  const gguf = join(dir, 'peer-q4_0.gguf');
  const marker = join(dir, MARKER);
  if (existsSync(marker)) {
    const cached = JSON.parse(await readFile(marker, 'utf8')) as Omit<RealModels, 'built'>;
    log(`reusing the ${entry.id} stand-in and GGUF in ${dir}`);
    return { ...cached, built: false };
  }
  log(`building the ${entry.id} stand-in (real dimensions, random q4 weights) in ${dir}…`);
  await buildFullStandIn(dir, { size: entry.id, dtype: 'q4', onProgress: (m) => log(`  ${m}`) });
  log('writing the llama.cpp peer GGUF (same text dimensions, random Q4_0)…');
  const { weightBytesPerToken } = await writeGguf(gguf, getFamily(entry.family).network.text.llamaCppArchitecture, dims.text, await readFile(join(dir, 'tokenizer.json'), 'utf8'));
  const onnx = join(dir, 'onnx');
  const onnxDecoderBytes = readdirSync(onnx)
    .filter((f) => f.startsWith('decoder_model_merged_q4.onnx_data'))
    .reduce((s, f) => s + statSync(join(onnx, f)).size, 0);
  const models = { dir, gguf, onnxDecoderBytes, ggufBytesPerToken: weightBytesPerToken };
  await writeFile(marker, JSON.stringify(models));
  return { ...models, built: true };
}
