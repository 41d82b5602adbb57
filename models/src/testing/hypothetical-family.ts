import { defineFamily, QWEN_VL_BASE } from '../families';

/** The default system turn of its chat template (the Qwen2-VL template with other words). */
export const HYPO_SYSTEM_TURN = 'You are Hypo, a hypothetical assistant.';

/**
 * A family that does not exist, for tests that prove a new family is one entry: every value that
 * the derived pieces read differs from all built-in families (patch 12 → factor 24, a nested
 * config with the `grid_thw` name, box-token grounding in absolute pixels, its own system turn).
 * It reuses Qwen2.5-VL's processor class, as a real new family would reuse a transformers.js one.
 */
export const HYPOTHETICAL_FAMILY = defineFamily({
  id: 'hypo_vl',
  label: 'Hypo-VL',
  architecture: 'HypoVLForConditionalGeneration',
  processorClass: 'Qwen2_5_VLProcessor',
  textModelType: 'hypo_vl_text',
  gridInputName: 'grid_thw',
  patchSize: 12,
  imageMean: [0.4, 0.4, 0.4],
  imageStd: [0.3, 0.3, 0.3],
  chatTemplate: QWEN_VL_BASE.chatTemplate.replace('You are a helpful assistant.', HYPO_SYSTEM_TURN),
  grounding: { convention: 'absolute-resized', format: 'qwen2-box-tokens' },
  remoteModelName: /hypo[-_.]?vl/,
  caveats: ['Hypo-VL is hypothetical: it exists only in tests.'],
  network: {
    text: { qkvBias: false, qkNorm: true },
    vision: { mlpKind: 'swiglu', windowAttentionPx: 96, deepstack: true },
  },
  video: { time: { kind: 'text-timestamps' } },
});
