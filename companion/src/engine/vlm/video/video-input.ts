import { decodeToRgb, planDecode, type DecodeOptions } from '../../../intake';
import type { EngineJob } from '../../engine';
import { buildChat, expandPadIds } from '../chat';
import type { Family } from '@loupe/models';
import { tokenId, type PixelInput, type QwenProcessor, type RopePositions } from '../inputs';
import { formatInstruction } from '../json/structured-output';
import type { ModelConfig } from '../model-dir';
import { patchifyFrames, type PatchifyConfig } from '../patchify';
import { mropePositions } from './mrope';
import { checkVideoTask, planVideo, timestampText, videoGrids, type VideoPlan } from './plan';
import { videoPrompt } from './prompt';

/** A clip as the decode loop takes it: one vision pass over all its temporal patches, features in the video pad rows. */
export interface VideoInput {
  plan: VideoPlan;
  pixels: PixelInput;
  ids: BigInt64Array;
  positions: RopePositions;
  padTokenId: number;
  visualTokens: number;
}

const VIDEO_BLOCK = '<|vision_start|><|video_pad|><|vision_end|>';

/** Plans, decodes and patchifies a video job's frames and builds its prompt ids and M-RoPE positions. */
export async function prepareVideo(job: EngineJob, processor: QwenProcessor, family: Family, config: ModelConfig, patch: PatchifyConfig): Promise<VideoInput> {
  const clip = job.video!;
  checkVideoTask(job.task, job.id);
  const factor = patch.patchSize * patch.mergeSize;
  const ip = processor.image_processor;
  const limits = {
    patchSize: patch.patchSize,
    mergeSize: patch.mergeSize,
    temporalPatchSize: patch.temporalPatchSize,
    procMin: Number(ip.min_pixels ?? factor * factor * 4),
    procMax: Number(ip.max_pixels ?? 12_845_056),
  };
  const first = await planDecode(job.images[0]!, { maxPixels: Number.MAX_SAFE_INTEGER, ...(job.region ? { region: job.region } : {}) });
  const plan = planVideo(clip, first.crop, family, limits);
  const rgb = await Promise.all(
    plan.frames.map(async (index) => {
      const bytes = job.images[index]!;
      const options: DecodeOptions = { maxPixels: plan.size.width * plan.size.height, multipleOf: factor, minPixels: limits.procMin, ...(job.region ? { region: job.region } : {}) };
      // Every frame at the clip's one size, even a capture whose size differs from the first.
      return (await decodeToRgb(bytes, options, { ...(await planDecode(bytes, options)), out: plan.size })).data;
    }),
  );
  const pixels = patchifyFrames(rgb, plan.size.width, plan.size.height, patch);
  const padTokenId = typeof config.video_token_id === 'number' ? config.video_token_id : tokenId(processor, family.video.padToken);
  if (padTokenId === undefined) throw new Error(`the tokenizer has no ${family.video.padToken} token, so this model cannot take video`);
  const ids = videoPromptIds(job, plan, processor, family, BigInt(padTokenId));
  const visionStart = Number(config.vision_start_token_id ?? tokenId(processor, '<|vision_start|>'));
  const imagePad = Number(config.image_token_id ?? tokenId(processor, '<|image_pad|>'));
  const merge = Number(config.vision_config?.spatial_merge_size ?? patch.mergeSize);
  const tokensPerSecond = (config.vision_config as { tokens_per_second?: unknown } | undefined)?.tokens_per_second;
  const positions = mropePositions(
    ids,
    { visionStart: BigInt(visionStart), imagePad: BigInt(imagePad), videoPad: BigInt(padTokenId), mergeSize: merge },
    [],
    videoGrids(plan, family, patch.patchSize, typeof tokensPerSecond === 'number' ? tokensPerSecond : undefined),
  );
  return { plan, pixels: { data: pixels.data, rows: pixels.rows, rowLength: pixels.rowLength, grid: pixels.grid }, ids, positions, padTokenId, visualTokens: plan.groups * plan.tokensPerGroup };
}

/** The chat with one video item, expanded the family's way: one pad run, or (text timestamps) a `<t seconds>` block per temporal patch. */
export function videoPromptIds(job: EngineJob, plan: VideoPlan, processor: QwenProcessor, family: Family, padId: bigint): BigInt64Array {
  const asked = videoPrompt({ locale: job.locale, times: plan.times, ...(job.prompt ? { prompt: job.prompt } : {}) });
  const text = job.format ? asked + formatInstruction(job.format, job.locale) : asked;
  const messages = buildChat({ imageCount: 1, history: job.history, text, firstTurnText: videoPrompt({ locale: job.locale, times: plan.times }), video: true });
  let chatText = processor.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false });
  let runs = [plan.groups * plan.tokensPerGroup];
  if (family.video.time.kind === 'text-timestamps') {
    if (!chatText.includes(VIDEO_BLOCK)) throw new Error(`the chat template did not produce ${VIDEO_BLOCK} for the video`);
    chatText = chatText.replace(VIDEO_BLOCK, plan.groupTimes.map((t) => timestampText(t) + VIDEO_BLOCK).join(''));
    runs = plan.groupTimes.map(() => plan.tokensPerGroup);
  }
  return expandPadIds(processor.tokenizer(chatText, { add_special_tokens: false }).input_ids.data as BigInt64Array, padId, runs);
}
