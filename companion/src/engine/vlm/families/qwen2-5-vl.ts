import type { VlmFamily } from './types';

export const qwen25Vl: VlmFamily = {
  modelType: 'qwen2_5_vl',
  label: 'Qwen2.5-VL',
  patchSize: 14,
  mergeSize: 2,
  gridInputName: 'image_grid_thw',
  // Qwen2.5-VL grounds in absolute pixels of the image it was given (after resizing).
  grounding: { convention: 'absolute-resized', format: 'json-bbox_2d' },
  caveats: [],
};
