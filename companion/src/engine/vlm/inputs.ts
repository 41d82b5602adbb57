import * as tjs from '@huggingface/transformers';
import { resizeFactor, type Family } from '@loupe/models';
import { ProtocolError } from '@loupe/shared';
import { planDecode, type DecodeOptions, type DecodePlan } from '../../intake';
import type { EngineJob } from '../engine';
import { buildChat, expandImagePads, expandPadIds } from './chat';
import { formatInstruction } from './json/structured-output';
import type { GroundingFrame } from './grounding';
import type { ModelConfig } from './model-dir';
import { patchify, type PatchifyConfig } from './patchify';
import { taskPrompt } from './prompts';

/**
 * Prompt and image inputs: transformers.js' processor (chat template, tokenizer, image
 * settings) and its M-RoPE get_rope_index; the pixels go through patchify().
 */

type TensorT = InstanceType<typeof tjs.Tensor>;
export interface QwenProcessor {
  image_processor: ((image: unknown) => Promise<unknown>) & { config: Record<string, unknown>; min_pixels?: number; max_pixels?: number };
  tokenizer: ((text: string | string[], options?: Record<string, unknown>) => { input_ids: TensorT; attention_mask: TensorT }) & {
    decode(ids: number[] | bigint[], options?: { skip_special_tokens?: boolean }): string;
    get_vocab(): Map<string, number> | Record<string, number>;
    all_special_ids?: number[];
    convert_tokens_to_ids?(tokens: string[]): number[];
    model?: { tokens_to_ids?: Map<string, number> };
  };
  apply_chat_template(messages: unknown[], options: Record<string, unknown>): string;
}

export interface PreparedImage {
  rgb: Uint8Array;
  frame: GroundingFrame;
}

export interface PlannedImage {
  bytes: Uint8Array;
  options: DecodeOptions;
  plan: DecodePlan;
}

/** One image as the vision encoder takes it. */
export interface PixelInput {
  data: Float32Array;
  rows: number;
  rowLength: number;
  grid: [number, number, number];
}

/** The image processor's own settings, applied by patchify() instead of its JS loops. */
export function patchConfigFor(processor: QwenProcessor, family: Family): PatchifyConfig {
  const ip = processor.image_processor as unknown as Record<string, unknown> & { config: Record<string, unknown> };
  const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
  const triple = (v: unknown, d: number[]) => (Array.isArray(v) ? (v as number[]) : typeof v === 'number' ? [v, v, v] : d);
  return {
    patchSize: num(ip.config.patch_size, family.patchSize),
    mergeSize: num(ip.config.merge_size, family.mergeSize),
    temporalPatchSize: num(ip.config.temporal_patch_size, family.temporalPatchSize),
    mean: triple(ip.image_mean, [0, 0, 0]),
    std: triple(ip.image_std, [1, 1, 1]),
    rescaleFactor: num(ip.rescale_factor, 1 / 255),
    doRescale: ip.do_rescale !== false,
    doNormalize: ip.do_normalize === true,
  };
}

export function visualTokensFor(size: { width: number; height: number }, config: PatchifyConfig): number {
  const { patchSize, mergeSize } = config;
  return ((size.width / patchSize) * (size.height / patchSize)) / (mergeSize * mergeSize);
}

/** Checks each image and fixes the size it will be decoded to (the task's pixel budget, in multiples of patch×merge). */
export async function planImages(job: EngineJob, processor: QwenProcessor, family: Family, taskBudget: number): Promise<PlannedImage[]> {
  if (job.images.length === 0 && job.task !== 'ask') {
    throw new ProtocolError('bad_request', `task "${job.task}" needs an image`, 'Send an image with the job.', job.id);
  }
  const factor = resizeFactor(family);
  const ip = processor.image_processor;
  const procMin = Number(ip.min_pixels ?? factor * factor * 4);
  const procMax = Number(ip.max_pixels ?? 12_845_056);
  // Compare: several images share the budget of about one and a half large ones.
  const budget = Math.min(taskBudget, job.images.length > 1 ? Math.max(250_000, 1_500_000 / job.images.length) : Infinity);
  // Across turns the oldest images get the smallest share (weights 1, 2, … n, newest last).
  const n = job.images.length;
  const shareOf = (index: number): number => (job.newImages && n > 1 ? (2 * n * (index + 1)) / (n * (n + 1)) : 1);
  return Promise.all(
    job.images.map(async (bytes, index) => {
      const maxPixels = Math.max(procMin, Math.min(budget * shareOf(index), procMax));
      const options: DecodeOptions = { ...(index === 0 && job.region ? { region: job.region } : {}), maxPixels, multipleOf: factor, minPixels: procMin };
      return { bytes, options, plan: await planDecode(bytes, options) };
    }),
  );
}

/** The chat prompt's token ids, each image's pad token repeated once per visual token. */
export function promptIds(job: EngineJob, visualTokens: number[], processor: QwenProcessor, family: Family): BigInt64Array {
  const imageCount = visualTokens.length;
  const asked = taskPrompt(job.task, { family, locale: job.locale, ...(job.prompt ? { prompt: job.prompt } : {}), imageCount });
  const prompt = job.format ? asked + formatInstruction(job.format, job.locale) : asked;
  const firstTurnText = taskPrompt(job.task === 'ask' ? 'describe' : job.task, { family, locale: job.locale, imageCount });
  const messages = buildChat({ imageCount, history: job.history, text: prompt, firstTurnText, ...(job.newImages ? { newImages: job.newImages } : {}) });
  const chatText = processor.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false, ...(imageCount > 1 ? { add_vision_id: true } : {}) });
  const padId = tokenId(processor, '<|image_pad|>');
  if (padId !== undefined) return expandPadIds(processor.tokenizer(chatText, { add_special_tokens: false }).input_ids.data as BigInt64Array, BigInt(padId), visualTokens);
  return processor.tokenizer(expandImagePads(chatText, visualTokens), { add_special_tokens: false }).input_ids.data as BigInt64Array;
}

/** Each image patchified on its own: the processor would stack several images as the frames of one video. */
export function pixelInputs(images: PreparedImage[], config: PatchifyConfig): PixelInput[] {
  return images.map((image) => {
    const { width, height } = image.frame.resized;
    const p = patchify(image.rgb, width, height, config);
    return { data: p.data, rows: p.rows, rowLength: p.rowLength, grid: [p.grid[0]!, p.grid[1]!, p.grid[2]!] };
  });
}

export interface RopePositions {
  /** [3, 1, S] (t, h, w rows). */
  positionIds: BigInt64Array;
  /** Decode step n (0-based, after the prompt) sits at S + n + delta on all three axes. */
  delta: number;
}

const { Tensor } = tjs;
// get_rope_index reads only `config` (and its helper methods) from the model: no sessions needed.
const ropeModel = (tjs as unknown as { Qwen2VLForConditionalGeneration: { prototype: object } }).Qwen2VLForConditionalGeneration.prototype;
interface RopeHost {
  config: ModelConfig;
  get_rope_index(ids: TensorT, grid: TensorT | null, video: null, mask: TensorT): [TensorT, TensorT];
}

/**
 * M-RoPE positions from transformers.js get_rope_index. The delta is max + 1 − S, as Hugging
 * Face computes it: transformers.js' own text-only delta adds S instead of subtracting it.
 */
export function ropePositions(config: ModelConfig, ids: BigInt64Array, grids: readonly (readonly number[])[]): RopePositions {
  const host = Object.assign(Object.create(ropeModel) as RopeHost, { config });
  const S = ids.length;
  const grid = grids.length > 0 ? new Tensor('int64', BigInt64Array.from(grids.flat().map(BigInt)), [grids.length, 3]) : null;
  const [positions] = host.get_rope_index(new Tensor('int64', ids, [1, S]), grid, null, new Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]));
  const data = positions.data as BigInt64Array | number[];
  const positionIds = data instanceof BigInt64Array ? data : BigInt64Array.from(data, (v) => BigInt(v));
  let max = 0n;
  for (const v of positionIds) if (v > max) max = v;
  return { positionIds, delta: Number(max) + 1 - S };
}

/** A special token's id (transformers.js 4 tokenizers have convert_tokens_to_ids; older ones a vocab map). */
export function tokenId(processor: QwenProcessor, token: string): number | undefined {
  const tokenizer = processor.tokenizer;
  const id = tokenizer.convert_tokens_to_ids ? tokenizer.convert_tokens_to_ids([token])[0] : tokenizer.model?.tokens_to_ids?.get(token);
  return typeof id === 'number' && Number.isInteger(id) ? id : undefined;
}
