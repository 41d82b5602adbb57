import { FAMILIES } from '@loupe/models';
import type { VlmFamily } from './types';
import { QWEN_VIDEO_BUDGET } from './video-budget';

// The export contract (patch size, grid input, caveats) comes from @loupe/models; this adds the engine-side handling.
const contract = FAMILIES.qwen2_vl;

export const qwen2Vl: VlmFamily = {
  modelType: 'qwen2_vl',
  label: contract.label,
  patchSize: contract.patchSize,
  mergeSize: contract.mergeSize,
  gridInputName: contract.gridInputName,
  // Qwen2-VL answers grounding as <|object_ref_start|>label<|object_ref_end|><|box_start|>(x1,y1),(x2,y2)<|box_end|>, 0..1000.
  grounding: { convention: 'normalized-1000', format: 'qwen2-box-tokens' },
  caveats: contract.caveats,
  // Qwen2-VL: plain video, temporal positions count patches (no absolute time).
  video: { padToken: '<|video_pad|>', time: { kind: 'index' }, ...QWEN_VIDEO_BUDGET },
};
