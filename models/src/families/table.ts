import { QWEN3_VL_CHAT_TEMPLATE } from './chat-templates';
import { defineFamily } from './definition';

/**
 * The Qwen-VL families Loupe runs, each as the base (./definition.ts) plus what differs, in the
 * order transformers.js' classes extend each other. Adding a family = one entry here (+ tests).
 */

export const QWEN2_VL = defineFamily({
  id: 'qwen2_vl',
  label: 'Qwen2-VL',
  architecture: 'Qwen2VLForConditionalGeneration',
  processorClass: 'Qwen2VLProcessor',
  configLayout: 'flat',
  gridInputName: 'grid_thw',
  // Qwen2-VL answers grounding as <|object_ref_start|>label<|object_ref_end|><|box_start|>(x1,y1),(x2,y2)<|box_end|>, 0..1000.
  grounding: { format: 'qwen2-box-tokens' },
  remoteModelName: /qwen2[-_.]?vl/,
});

export const QWEN2_5_VL = defineFamily({
  id: 'qwen2_5_vl',
  label: 'Qwen2.5-VL',
  architecture: 'Qwen2_5_VLForConditionalGeneration',
  processorClass: 'Qwen2_5_VLProcessor',
  textModelType: 'qwen2_5_vl_text',
  // Qwen2.5-VL grounds in absolute pixels of the image it was given (after resizing).
  grounding: { convention: 'absolute-resized' },
  remoteModelName: /qwen2[-_.]?5[-_.]?vl/,
  network: { vision: { mlpKind: 'swiglu', norm: 'rms', windowAttentionPx: 112 } },
  // Absolute time in M-RoPE (second_per_grid_ts × tokens_per_second).
  video: { time: { kind: 'absolute-mrope', tokensPerSecond: 2 } },
});

export const QWEN3_VL = defineFamily({
  id: 'qwen3_vl',
  label: 'Qwen3-VL',
  architecture: 'Qwen3VLForConditionalGeneration',
  processorClass: 'Qwen3VLProcessor',
  textModelType: 'qwen3_vl_text',
  patchSize: 16,
  imageMean: [0.5, 0.5, 0.5],
  imageStd: [0.5, 0.5, 0.5],
  // No default system turn.
  chatTemplate: QWEN3_VL_CHAT_TEMPLATE,
  remoteModelName: /qwen3[-_.]?vl/,
  caveats: [
    'DeepStack features are not used by the 3-session ONNX split (transformers.js reuses the Qwen2.5-VL class): OCR and grounding accuracy are lower than the PyTorch model.',
  ],
  network: {
    text: { qkvBias: false, qkNorm: true, mropeInterleaved: true, llamaCppArchitecture: 'qwen3' },
    vision: { mlpKind: 'gelu_tanh', patchEmbedBias: true, learnedPositions: true, deepstack: true },
  },
  // A `<t seconds>` text timestamp before each temporal patch.
  video: { time: { kind: 'text-timestamps' } },
});

export const BUILT_IN_FAMILIES = [QWEN2_VL, QWEN2_5_VL, QWEN3_VL] as const;

/** The family assumed when nothing names one (ad-hoc hub repos, unknown served models, `stand-in`). */
export const DEFAULT_FAMILY_ID = QWEN2_5_VL.id;
