import type { Family } from '../families';
import { QWEN_VL_TOKENS } from '../families';
import type { StandInBehaviour, StandInDims } from './graphs';

export const STAND_IN_LABEL = 'test stand-in — output is noise';

/** config.json in the layout transformers.js expects for the family (flat for Qwen2-VL, nested otherwise). */
export function makeConfig(
  family: Family,
  dims: StandInDims,
  behaviour: StandInBehaviour,
  externalData: Record<string, number> | undefined,
): Record<string, unknown> {
  const text = {
    hidden_size: dims.hidden,
    intermediate_size: dims.hidden * 2,
    num_hidden_layers: dims.layers,
    num_attention_heads: dims.kvHeads,
    num_key_value_heads: dims.kvHeads,
    head_dim: dims.headDim,
    vocab_size: dims.vocab,
    max_position_embeddings: 32768,
    rms_norm_eps: 1e-6,
    rope_theta: 1000000,
    rope_scaling: { type: 'mrope', mrope_section: [1, 1, 2] },
    tie_word_embeddings: true,
    bos_token_id: QWEN_VL_TOKENS.endOfText,
    eos_token_id: QWEN_VL_TOKENS.imEnd,
  };
  const vision = {
    depth: 1,
    hidden_size: dims.hidden,
    out_hidden_size: dims.hidden,
    in_chans: 3,
    patch_size: family.patchSize,
    spatial_merge_size: family.mergeSize,
    temporal_patch_size: family.temporalPatchSize,
    ...(family.video.time.kind === 'absolute-mrope' ? { tokens_per_second: family.video.time.tokensPerSecond } : {}),
  };
  const common = {
    architectures: [family.architecture],
    model_type: family.id,
    image_token_id: QWEN_VL_TOKENS.imagePad,
    video_token_id: QWEN_VL_TOKENS.videoPad,
    vision_start_token_id: QWEN_VL_TOKENS.visionStart,
    vision_end_token_id: QWEN_VL_TOKENS.visionEnd,
    vision_token_id: QWEN_VL_TOKENS.imagePad,
    bos_token_id: QWEN_VL_TOKENS.endOfText,
    eos_token_id: QWEN_VL_TOKENS.imEnd,
    vision_config: vision,
  };
  const body = family.configLayout === 'flat' ? { ...common, ...text } : { ...common, text_config: { model_type: family.textModelType, ...text } };
  return {
    ...body,
    loupe_stand_in: {
      label: STAND_IN_LABEL,
      eos_after: behaviour.eosAfter ?? null,
      repeat_tokens: behaviour.repeatTokens ?? null,
    },
    'transformers.js_config': externalData ? { use_external_data_format: externalData } : {},
  };
}

/** Bounds for smart_resize: at least 2×2 merged patches, at most ≈2k merged patches. */
export function makePreprocessorConfig(family: Family): Record<string, unknown> {
  const factor = family.patchSize * family.mergeSize;
  const minPixels = factor * factor * 4;
  const maxPixels = factor * factor * 2048;
  return {
    processor_class: family.processorClass,
    image_processor_type: family.imageProcessorType,
    do_convert_rgb: true,
    do_resize: true,
    do_rescale: true,
    rescale_factor: 1 / 255,
    do_normalize: true,
    image_mean: family.imageMean,
    image_std: family.imageStd,
    resample: 3,
    min_pixels: minPixels,
    max_pixels: maxPixels,
    size: { shortest_edge: minPixels, longest_edge: maxPixels },
    patch_size: family.patchSize,
    merge_size: family.mergeSize,
    temporal_patch_size: family.temporalPatchSize,
    ...(family.video.time.kind === 'absolute-mrope' ? { tokens_per_second: family.video.time.tokensPerSecond } : {}),
  };
}

export function makeGenerationConfig(): Record<string, unknown> {
  return {
    bos_token_id: QWEN_VL_TOKENS.endOfText,
    eos_token_id: [QWEN_VL_TOKENS.imEnd, QWEN_VL_TOKENS.endOfText],
    pad_token_id: QWEN_VL_TOKENS.endOfText,
    do_sample: false,
    max_new_tokens: 64,
  };
}

export const standInReadme = (family: Family, dtype: string): string =>
  `# ${STAND_IN_LABEL}

This directory is a **test stand-in** for a ${family.label} export in the transformers.js layout
(dtype ${dtype}), written by \`loupe models stand-in\`. It has the real Qwen tokenizer and honours the
loading contract (three ONNX sessions, KV cache, M-RoPE position ids), but its weights are random:
**everything it writes is noise**. Use it for tests and benchmarks of the plumbing only.
`;
