import { deriveFamily, getFamily } from '../families';

/** The default system turn of its chat template (the Qwen2-VL template with other words). */
export const HYPO_SYSTEM_TURN = 'You are Hypo, a hypothetical assistant.';

/** What it is derived from: a real new family would reuse a transformers.js class the same way. */
const QWEN2_5_VL = getFamily('qwen2_5_vl');

/**
 * A family that does not exist, for tests that prove a new family is one entry: Qwen2.5-VL (whose
 * processor class and absolute-pixel grounding it keeps) plus overrides, so that every value the
 * derived pieces read differs from all built-in families (patch 12 → factor 24, a nested config
 * with the `grid_thw` name, box-token grounding, layer norm, its own system turn).
 */
export const HYPOTHETICAL_FAMILY = deriveFamily(QWEN2_5_VL, {
  id: 'hypo_vl',
  label: 'Hypo-VL',
  architecture: 'HypoVLForConditionalGeneration',
  processorClass: QWEN2_5_VL.processorClass,
  remoteModelName: /hypo[-_.]?vl/,
  textModelType: 'hypo_vl_text',
  gridInputName: 'grid_thw',
  patchSize: 12,
  imageMean: [0.4, 0.4, 0.4],
  imageStd: [0.3, 0.3, 0.3],
  chatTemplate: QWEN2_5_VL.chatTemplate.replace('You are a helpful assistant.', HYPO_SYSTEM_TURN),
  grounding: { format: 'qwen2-box-tokens' },
  caveats: ['Hypo-VL is hypothetical: it exists only in tests.'],
  network: {
    text: { qkvBias: false, qkNorm: true },
    vision: { norm: 'layer', windowAttentionPx: 96, deepstack: true },
  },
  video: { time: { kind: 'text-timestamps' } },
});
