import { FAMILIES } from '@loupe/models';
import type { VlmFamily } from './types';
import { QWEN_VIDEO_BUDGET } from './video-budget';

// The export contract (patch size, grid input, caveats) comes from @loupe/models; this adds the engine-side handling.
const contract = FAMILIES.qwen3_vl;

export const qwen3Vl: VlmFamily = {
  modelType: 'qwen3_vl',
  label: contract.label,
  patchSize: contract.patchSize,
  mergeSize: contract.mergeSize,
  gridInputName: contract.gridInputName,
  grounding: { convention: 'normalized-1000', format: 'json-bbox_2d' },
  caveats: contract.caveats,
  // Qwen3-VL: a `<t seconds>` text timestamp before each temporal patch.
  video: { padToken: '<|video_pad|>', time: { kind: 'text-timestamps' }, ...QWEN_VIDEO_BUDGET },
};
