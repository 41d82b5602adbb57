import type { VlmFamily } from './types';

export const qwen3Vl: VlmFamily = {
  modelType: 'qwen3_vl',
  label: 'Qwen3-VL',
  patchSize: 16,
  mergeSize: 2,
  gridInputName: 'image_grid_thw',
  grounding: { convention: 'normalized-1000', format: 'json-bbox_2d' },
  caveats: [
    'Qwen3-VL runs without its DeepStack visual features in the 3-session ONNX layout: OCR and grounding are less accurate than upstream.',
  ],
};
