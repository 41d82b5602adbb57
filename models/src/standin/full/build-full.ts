import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dtype } from '../../dtypes';
import { onnxFileName } from '../../dtypes';
import { getFamily } from '../../families';
import type { Family } from '../../families';
import { CATALOG, getCatalogEntry } from '../../catalog';
import { GraphBuilder } from '../../onnx/graph-builder';
import { onnx } from '../../onnx/proto';
import type { RealDims } from '../../real-dims';
import { getRealDims } from '../../real-dims';
import { lenmlFile, tokenizerConfig } from '../build';
import { makeConfig, makeGenerationConfig, makePreprocessorConfig, standInReadme } from '../config-files';
import { DEFAULT_DIMS } from '../graphs';
import { realSizeConfig } from './config';
import { buildFullDecoder } from './decoder';
import { buildFullEmbed } from './embed';
import type { Ctx, Precision } from './layers';
import { buildFullVision } from './vision';
import { WeightFile } from './weight-file';

export const FULL_DTYPES = ['q4', 'q4f16', 'fp16'] as const satisfies readonly Dtype[];
export type FullDtype = (typeof FULL_DTYPES)[number];

export interface FullStandInOptions {
  /** A catalog id (see REAL_DIMS). */
  size: string;
  dtype?: FullDtype;
  /** Replace the real dimensions (tests build a narrow, shallow model through the same code). */
  dims?: RealDims;
  onProgress?: (message: string) => void;
}

export interface FullStandInResult {
  dir: string;
  size: string;
  dtype: FullDtype;
  files: string[];
  weightBytes: number;
}

const PRECISION: Record<FullDtype, Precision> = { q4: { half: false, q4: true }, q4f16: { half: true, q4: true }, fp16: { half: true, q4: false } };

/**
 * Writes a stand-in with a catalog model's real dimensions: the three transformers.js sessions with
 * random weights streamed to external data (no whole-model buffer), the real tokenizer, and
 * configs that carry the real sizes. It loads and runs like the export; its words are noise.
 */
export async function buildFullStandIn(dir: string, options: FullStandInOptions): Promise<FullStandInResult> {
  const entry = getCatalogEntry(options.size);
  if (!CATALOG.includes(entry)) throw new Error(`--size takes a catalog id (${CATALOG.map((e) => e.id).join(', ')})`);
  const family = getFamily(entry.family);
  const dims = options.dims ?? getRealDims(entry.id);
  const dtype = options.dtype ?? 'q4';
  const precision = PRECISION[dtype];
  if (!precision) throw new Error(`full-size stand-ins come in ${FULL_DTYPES.join(', ')}, not ${dtype}`);
  const onnxDir = join(dir, 'onnx');
  await rm(onnxDir, { recursive: true, force: true });
  await mkdir(onnxDir, { recursive: true });
  const files: string[] = [];
  const chunks: Record<string, number> = {};
  let weightBytes = 0;

  const sessions: Array<[string, (c: Ctx) => void]> = [
    ['vision_encoder', (c) => buildFullVision(c, family, dims.vision)],
    ['embed_tokens', (c) => buildFullEmbed(c, dims.text)],
    ['decoder_model_merged', (c) => buildFullDecoder(c, dims.text)],
  ];
  for (const [session, build] of sessions) {
    options.onProgress?.(`writing ${session}…`);
    const fileName = onnxFileName(session, dtype);
    const g = new GraphBuilder(`stand_in_${session}`);
    const w = new WeightFile(onnxDir, fileName, g);
    try {
      build({ g, w, p: precision });
    } finally {
      w.close();
    }
    await writeFile(join(onnxDir, fileName), onnx.ModelProto.encode(g.toModel()).finish());
    files.push(`onnx/${fileName}`, ...w.locations.map((l) => `onnx/${l}`));
    chunks[fileName] = w.locations.length;
    weightBytes += w.bytes;
  }

  const json = async (name: string, value: unknown) => {
    await writeFile(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
    files.push(name);
  };
  const base = makeConfig(family, { ...DEFAULT_DIMS, hidden: dims.text.hidden, layers: dims.text.layers, kvHeads: dims.text.kvHeads, headDim: dims.text.headDim, vocab: dims.text.vocab }, { numLogitsToKeep: true }, chunks);
  await json('config.json', realSizeConfig(base, family, entry.id, dims));
  await json('preprocessor_config.json', makePreprocessorConfig(family));
  await json('generation_config.json', makeGenerationConfig());
  await json('tokenizer_config.json', await tokenizerConfig(family.chatTemplate));
  await writeFile(join(dir, 'tokenizer.json'), await readFile(lenmlFile('tokenizer.json')));
  files.push('tokenizer.json');
  await writeFile(join(dir, 'README.md'), `${standInReadme(family, dtype)}\n${realSizeNote(family, entry.id)}`);
  files.push('README.md');
  return { dir, size: entry.id, dtype, files, weightBytes };
}

const realSizeNote = (family: Family, id: string) => `It has the **real dimensions of ${id}** (${family.label}; see models/src/real-dims.ts for each value and
its source), so loading, memory and speed are those of the real model at this dtype. Its weights are random.
`;
