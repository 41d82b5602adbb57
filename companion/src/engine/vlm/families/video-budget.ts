import type { VideoConvention } from './types';

/**
 * The budget every Qwen-VL family shares so far: frames up to ~360×420 (Qwen's guidance to stay in
 * memory), a clip within ~4k visual tokens (64 frames = 32 temporal patches of ~128 tokens).
 */
export const QWEN_VIDEO_BUDGET: Pick<VideoConvention, 'maxFramePixels' | 'minFramePixels' | 'tokenBudget'> = {
  maxFramePixels: 360 * 420,
  minFramePixels: 128 * 28 * 28,
  tokenBudget: 4096,
};
