import type { VlmFamily } from './types';

export const qwen2Vl: VlmFamily = {
  modelType: 'qwen2_vl',
  label: 'Qwen2-VL',
  patchSize: 14,
  mergeSize: 2,
  gridInputName: 'grid_thw',
  // Qwen2-VL answers grounding as <|object_ref_start|>label<|object_ref_end|><|box_start|>(x1,y1),(x2,y2)<|box_end|>, 0..1000.
  grounding: { convention: 'normalized-1000', format: 'qwen2-box-tokens' },
  caveats: [],
};
