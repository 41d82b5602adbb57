import type { Family } from '../families';
import { familyIds, findFamily, QWEN_VL_TOKENS } from '../families';
import type { ProblemList } from './problems';

type Json = Record<string, unknown>;
const F = 'config.json';
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPosInt = (v: unknown): v is number => Number.isInteger(v) && (v as number) > 0;

/** What the rest of the checks need from config.json. */
export interface TextShape {
  layers: number;
  kvHeads: number;
  headDim?: number;
  hidden?: number;
  mergeSize: number;
  externalData: unknown;
}

/** Checks config.json against the family contract; returns the family and the text shape, if usable. */
export function checkConfig(config: Json, p: ProblemList): { family?: Family; text?: TextShape } {
  const family = findFamily(config.model_type);
  if (!family) {
    p.error(F, `model_type is ${JSON.stringify(config.model_type)}, not a supported Qwen-VL family`, `use an export of one of: ${familyIds().join(', ')}`);
    return {};
  }
  const arch = Array.isArray(config.architectures) ? config.architectures[0] : undefined;
  if (arch !== family.architecture) {
    p.error(F, `architectures[0] is ${JSON.stringify(arch)}, expected "${family.architecture}" for ${family.id}`, `set "architectures": ["${family.architecture}"]`);
  }

  let source: Json = config;
  if (family.configLayout === 'nested') {
    if (!isObj(config.text_config)) {
      p.error(F, `${family.id} needs a nested text_config (a flat config crashes transformers.js)`, `move num_hidden_layers, num_key_value_heads, hidden_size, head_dim, vocab_size into "text_config" with "model_type": "${family.textModelType}"`);
      return { family };
    }
    source = config.text_config;
    if (source.model_type !== family.textModelType) {
      p.error(F, `text_config.model_type is ${JSON.stringify(source.model_type)}, expected "${family.textModelType}"`, `set text_config.model_type to "${family.textModelType}"`);
    }
  } else if (isObj(config.text_config) && config.num_hidden_layers === undefined) {
    p.error(F, `${family.id} must be flat: transformers.js reads num_hidden_layers/num_key_value_heads from the top level, but they are only in text_config`, 'copy the text_config fields to the top level of config.json');
    return { family };
  }

  const where = family.configLayout === 'nested' ? 'text_config.' : '';
  const layers = source.num_hidden_layers;
  const kvHeads = source.num_key_value_heads;
  if (!isPosInt(layers)) p.error(F, `${where}num_hidden_layers is missing or not a positive integer`, `set ${where}num_hidden_layers to the decoder's layer count`);
  if (!isPosInt(kvHeads)) p.error(F, `${where}num_key_value_heads is missing or not a positive integer`, `set ${where}num_key_value_heads to the KV head count of the decoder`);

  for (const [key, expected] of [
    ['image_token_id', QWEN_VL_TOKENS.imagePad],
    ['vision_start_token_id', QWEN_VL_TOKENS.visionStart],
  ] as const) {
    if (config[key] === undefined) p.error(F, `${key} is missing (M-RoPE positions and feature merging need it)`, `set "${key}": ${expected}`);
    else if (config[key] !== expected) p.warn(F, `${key} is ${JSON.stringify(config[key])}, Qwen-VL tokenizers use ${expected}`, 'check that config.json and tokenizer.json belong together');
  }
  if (config.video_token_id === undefined) p.warn(F, 'video_token_id is missing: video jobs cannot place their frames', `set "video_token_id": ${QWEN_VL_TOKENS.videoPad}`);
  const vision = isObj(config.vision_config) ? config.vision_config : undefined;
  const mergeSize = vision?.spatial_merge_size;
  if (!isPosInt(mergeSize)) p.error(F, 'vision_config.spatial_merge_size is missing', `set vision_config.spatial_merge_size to ${family.mergeSize}`);
  if (config.eos_token_id === undefined && source.eos_token_id === undefined) {
    p.warn(F, 'eos_token_id is missing; generation stops only at max tokens unless generation_config.json names it', `set "eos_token_id": ${QWEN_VL_TOKENS.imEnd}`);
  }
  const tjs = config['transformers.js_config'];
  if (!isPosInt(layers) || !isPosInt(kvHeads)) return { family };
  return {
    family,
    text: {
      layers,
      kvHeads,
      headDim: isPosInt(source.head_dim) ? source.head_dim : undefined,
      hidden: isPosInt(source.hidden_size) ? source.hidden_size : undefined,
      mergeSize: isPosInt(mergeSize) ? mergeSize : family.mergeSize,
      externalData: isObj(tjs) ? tjs.use_external_data_format : undefined,
    },
  };
}

/** How many external-data chunks transformers.js will try to load for one .onnx file. */
export function expectedChunks(config: unknown, fullName: string, sessionName: string): number {
  if (!config) return 0;
  if (isObj(config)) {
    if (fullName in config) return Number(config[fullName]);
    if (sessionName in config) return Number(config[sessionName]);
    return 0;
  }
  return Number(config);
}
