import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Dtype } from '../dtypes';
import { externalDataNames, onnxFileName } from '../dtypes';
import type { Family, SessionName } from '../families';
import { allFamilies, patchRowLength } from '../families';
import type { OnnxIo, TensorInfo } from '../onnx/read-io';
import { readOnnxIo } from '../onnx/read-io';
import { expectedChunks } from './check-config';
import type { TextShape } from './check-config';
import type { ProblemList } from './problems';

/** Inputs transformers.js fills in when a decoder declares them. */
const OPTIONAL_DECODER_INPUTS = new Set(['num_logits_to_keep', 'use_cache_branch']);

export type SessionDtypes = Record<SessionName, Dtype>;

/** Checks the three sessions of one dtype (or per-session dtypes). */
export async function checkSessions(
  dir: string,
  dtypes: SessionDtypes,
  family: Family,
  text: TextShape | undefined,
  p: ProblemList,
): Promise<void> {
  const io: Partial<Record<SessionName, OnnxIo>> = {};
  for (const session of Object.keys(dtypes) as SessionName[]) {
    const fileName = onnxFileName(session, dtypes[session]);
    const rel = `onnx/${fileName}`;
    if (!existsSync(join(dir, rel))) {
      p.error(rel, `missing (needed for dtype ${dtypes[session]})`, `pull the model with --dtype ${dtypes[session]}, or choose a dtype whose files are present`);
      continue;
    }
    try {
      io[session] = await readOnnxIo(join(dir, rel));
    } catch (e) {
      p.error(rel, `cannot be read as ONNX: ${(e as Error).message}`, 'download the file again (loupe models pull) — it is truncated or corrupt');
      continue;
    }
    checkExternalData(dir, rel, fileName, session, io[session]!, text?.externalData, p);
  }
  if (io.vision_encoder) checkVision(`onnx/${onnxFileName('vision_encoder', dtypes.vision_encoder)}`, io.vision_encoder, family, p);
  if (io.embed_tokens) checkEmbed(`onnx/${onnxFileName('embed_tokens', dtypes.embed_tokens)}`, io.embed_tokens, p);
  if (io.decoder_model_merged) checkDecoder(`onnx/${onnxFileName('decoder_model_merged', dtypes.decoder_model_merged)}`, io.decoder_model_merged, text, p);

  const visionOut = io.vision_encoder?.outputs.find((o) => o.name === 'image_features');
  const embedOut = io.embed_tokens?.outputs.find((o) => o.name === 'inputs_embeds');
  const decoderIn = io.decoder_model_merged?.inputs.find((o) => o.name === 'inputs_embeds');
  if (visionOut && embedOut && visionOut.type !== embedOut.type) {
    p.error(
      `onnx/${onnxFileName('vision_encoder', dtypes.vision_encoder)}`,
      `image_features is ${visionOut.type} but embed_tokens emits ${embedOut.type}: image features would be copied raw into the wrong float format (silent garbage)`,
      'use vision_encoder and embed_tokens files of matching precision (e.g. both fp16-based: fp16/q4f16, or both fp32-based: fp32/q8/q4)',
    );
  }
  if (embedOut && decoderIn && embedOut.type !== decoderIn.type) {
    p.error(
      `onnx/${onnxFileName('decoder_model_merged', dtypes.decoder_model_merged)}`,
      `inputs_embeds is ${decoderIn.type} but embed_tokens emits ${embedOut.type}`,
      'use embed_tokens and decoder_model_merged files of matching precision',
    );
  }
  const lastDim = (t?: TensorInfo) => t?.dims.at(-1);
  if (typeof lastDim(visionOut) === 'number' && typeof lastDim(embedOut) === 'number' && lastDim(visionOut) !== lastDim(embedOut)) {
    p.error(`onnx/${onnxFileName('vision_encoder', dtypes.vision_encoder)}`, `image_features width ${lastDim(visionOut)} differs from the embedding width ${lastDim(embedOut)}`, 'use sessions from the same export');
  }
}

function checkExternalData(dir: string, rel: string, fileName: string, session: string, io: OnnxIo, config: unknown, p: ProblemList): void {
  const expected = expectedChunks(config, fileName, session);
  const referenced = io.externalLocations;
  const standardNames = externalDataNames(fileName, referenced.length);
  for (const location of referenced) {
    if (!existsSync(join(dir, 'onnx', location))) {
      p.error(`onnx/${location}`, `missing (external weights of ${rel})`, 'download it again with loupe models pull');
    }
  }
  if (referenced.length === 0 && expected > 0) {
    p.error('config.json', `transformers.js_config.use_external_data_format asks for ${expected} data file(s) for ${fileName}, which has none`, `remove ${fileName} from use_external_data_format (or set it to 0)`);
  } else if (referenced.length > 0 && expected !== referenced.length) {
    p.error(
      'config.json',
      `${fileName} stores its weights in ${referenced.length} external file(s) but transformers.js_config.use_external_data_format says ${expected} (a wrong count crashes the loader)`,
      `set "transformers.js_config": {"use_external_data_format": {"${fileName}": ${referenced.length}}}`,
    );
  }
  if (referenced.length > 0 && referenced.some((l) => !standardNames.includes(l))) {
    p.error(rel, `external data files are named ${referenced.join(', ')}; transformers.js expects ${standardNames.join(', ')}`, 'rename the data files (and re-export) to the X.onnx_data, X.onnx_data_1 … scheme');
  }
}

const fmt = (t: TensorInfo) => `${t.name} ${t.type}[${t.dims.join(', ')}]`;

function requireTensor(file: string, list: TensorInfo[], name: string, kind: 'input' | 'output', p: ProblemList, fix: string): TensorInfo | undefined {
  const t = list.find((x) => x.name === name);
  if (!t) p.error(file, `has no ${kind} named "${name}" (${kind}s: ${list.map((x) => x.name).join(', ') || 'none'})`, fix);
  return t;
}

function checkVision(file: string, io: OnnxIo, family: Family, p: ProblemList): void {
  const row = patchRowLength(family);
  const pixels = requireTensor(file, io.inputs, 'pixel_values', 'input', p, 'use the vision_encoder of a transformers.js Qwen-VL export');
  if (pixels) {
    if (pixels.type !== 'float32') p.error(file, `pixel_values is ${pixels.type}; the processor produces float32`, 'use a vision_encoder that takes float32 pixel_values');
    if (pixels.dims.length !== 2) p.error(file, `pixel_values has rank ${pixels.dims.length}, expected [num_patches, ${row}]`, 'use a vision_encoder exported for flattened patches');
    else if (typeof pixels.dims[1] === 'number' && pixels.dims[1] !== row) {
      p.error(file, `pixel_values rows are ${pixels.dims[1]} wide, ${family.label} patches are 3·${family.temporalPatchSize}·${family.patchSize}·${family.patchSize} = ${row}`, 'check that the model family in config.json matches the export');
    }
  }
  const otherGrid = family.gridInputName === 'grid_thw' ? 'image_grid_thw' : 'grid_thw';
  if (!io.inputs.some((x) => x.name === family.gridInputName)) {
    const hint = io.inputs.some((x) => x.name === otherGrid)
      ? `it is named "${otherGrid}", which transformers.js passes only for ${allFamilies().filter((f) => f.gridInputName === otherGrid).map((f) => f.id).join('/')}`
      : `inputs: ${io.inputs.map((x) => x.name).join(', ')}`;
    p.error(file, `has no grid input "${family.gridInputName}" (${hint})`, 'make config.json model_type match the export family, or use the matching vision_encoder');
  } else {
    const grid = io.inputs.find((x) => x.name === family.gridInputName)!;
    if (grid.type !== 'int64' || grid.dims.length !== 2) p.error(file, `${fmt(grid)} should be int64 [num_images, 3]`, 'use the vision_encoder of the same export');
  }
  const out = requireTensor(file, io.outputs, 'image_features', 'output', p, 'use the vision_encoder of a transformers.js Qwen-VL export');
  if (out && out.dims.length !== 2) p.error(file, `image_features has rank ${out.dims.length}, expected [num_patches/4, hidden]`, 'use the vision_encoder of the same export');
}

function checkEmbed(file: string, io: OnnxIo, p: ProblemList): void {
  const ids = requireTensor(file, io.inputs, 'input_ids', 'input', p, 'use the embed_tokens of a transformers.js Qwen-VL export');
  if (ids && (ids.type !== 'int64' || ids.dims.length !== 2)) p.error(file, `${fmt(ids)} should be int64 [batch, sequence]`, 'use the embed_tokens of the same export');
  const out = requireTensor(file, io.outputs, 'inputs_embeds', 'output', p, 'use the embed_tokens of a transformers.js Qwen-VL export');
  if (out && out.dims.length !== 3) p.error(file, `${fmt(out)} should be [batch, sequence, hidden]`, 'use the embed_tokens of the same export');
}

function checkDecoder(file: string, io: OnnxIo, text: TextShape | undefined, p: ProblemList): void {
  const fix = 'use the decoder_model_merged of a transformers.js Qwen-VL export (with KV cache)';
  const embeds = requireTensor(file, io.inputs, 'inputs_embeds', 'input', p, fix);
  if (embeds && embeds.dims.length !== 3) p.error(file, `${fmt(embeds)} should be [batch, sequence, hidden]`, fix);
  const mask = requireTensor(file, io.inputs, 'attention_mask', 'input', p, fix);
  if (mask && (mask.type !== 'int64' || mask.dims.length !== 2)) p.error(file, `${fmt(mask)} should be int64 [batch, total_sequence]`, fix);
  const pos = requireTensor(file, io.inputs, 'position_ids', 'input', p, fix);
  if (pos) {
    if (pos.dims.length !== 3 || (typeof pos.dims[0] === 'number' && pos.dims[0] !== 3)) {
      p.error(file, `${fmt(pos)}: M-RoPE needs position_ids [3, batch, sequence]`, 'use a decoder exported with 3-row (t/h/w) position ids');
    } else if (pos.type !== 'int64') p.error(file, `${fmt(pos)} should be int64`, fix);
  }
  requireTensor(file, io.outputs, 'logits', 'output', p, fix);

  const pastNames = io.inputs.filter((x) => x.name.startsWith('past_key_values.'));
  const known = new Set(['inputs_embeds', 'attention_mask', 'position_ids', ...OPTIONAL_DECODER_INPUTS]);
  for (const extra of io.inputs.filter((x) => !known.has(x.name) && !x.name.startsWith('past_key_values.'))) {
    p.error(file, `has an input "${extra.name}" that transformers.js does not provide`, fix);
  }
  if (pastNames.length === 0) {
    p.error(file, 'has no past_key_values inputs (an export without KV cache re-runs the whole prompt per token)', fix);
    return;
  }
  if (!text) return;
  if (pastNames.length !== text.layers * 2) {
    p.error(file, `has ${pastNames.length / 2} KV-cache layers but config.json num_hidden_layers is ${text.layers}`, 'use a config.json and decoder from the same export');
  }
  for (let i = 0; i < text.layers; i++) {
    for (const kind of ['key', 'value']) {
      const name = `past_key_values.${i}.${kind}`;
      const t = io.inputs.find((x) => x.name === name);
      if (!t) {
        p.error(file, `input ${name} is missing`, 'use a config.json and decoder from the same export');
        continue;
      }
      const [, heads, , headDim] = t.dims;
      if (t.dims.length !== 4 || typeof heads !== 'number' || typeof headDim !== 'number') {
        p.error(file, `${fmt(t)}: the empty first-step cache is built from this metadata and needs [batch, <num_kv_heads>, past_sequence, <head_dim>] with numeric heads and head_dim`, 're-export the decoder with static KV head and head_dim dimensions');
        continue;
      }
      if (heads !== text.kvHeads) p.error(file, `${fmt(t)} has ${heads} KV heads, config.json says num_key_value_heads ${text.kvHeads}`, 'use a config.json and decoder from the same export');
      if (text.headDim !== undefined && headDim !== text.headDim) p.error(file, `${fmt(t)} has head_dim ${headDim}, config.json says ${text.headDim}`, 'use a config.json and decoder from the same export');
      const present = io.outputs.find((x) => x.name === `present.${i}.${kind}`);
      if (!present) p.error(file, `output present.${i}.${kind} is missing`, fix);
      else if (present.type !== t.type) p.error(file, `present.${i}.${kind} is ${present.type} but ${name} is ${t.type}`, fix);
    }
  }
}
