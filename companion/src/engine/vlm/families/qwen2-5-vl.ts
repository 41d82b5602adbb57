import { FAMILIES } from '@loupe/models';
import type { VlmFamily } from './types';
import { QWEN_VIDEO_BUDGET } from './video-budget';

// The export contract (patch size, grid input, caveats) comes from @loupe/models; this adds the engine-side handling.
const contract = FAMILIES.qwen2_5_vl;

export const qwen25Vl: VlmFamily = {
  modelType: 'qwen2_5_vl',
  label: contract.label,
  patchSize: contract.patchSize,
  mergeSize: contract.mergeSize,
  gridInputName: contract.gridInputName,
  // Qwen2.5-VL grounds in absolute pixels of the image it was given (after resizing).
  grounding: { convention: 'absolute-resized', format: 'json-bbox_2d' },
  caveats: contract.caveats,
  // Qwen2.5-VL: absolute time in M-RoPE (second_per_grid_ts × tokens_per_second).
  video: { padToken: '<|video_pad|>', time: { kind: 'absolute-mrope', tokensPerSecond: 2 }, ...QWEN_VIDEO_BUDGET },
};
