/**
 * How a Qwen-VL family is handled. The engine looks a family up by config.json
 * `model_type`; callers never branch on the family themselves.
 */
export type GroundingConvention =
  /** Coordinates are absolute pixels on the (resized) image the model saw. */
  | 'absolute-resized'
  /** Coordinates are normalised to 0..1000 on both axes. */
  | 'normalized-1000';

export interface VlmFamily {
  /** config.json `model_type`. */
  modelType: string;
  label: string;
  /** Vision patch size when preprocessor_config.json does not say (Qwen2/2.5: 14, Qwen3: 16). */
  patchSize: number;
  /** Spatial merge (2 for every Qwen-VL so far): one visual token per merge×merge patches. */
  mergeSize: number;
  /** Name of the grid input of the vision_encoder session. */
  gridInputName: 'grid_thw' | 'image_grid_thw';
  grounding: {
    convention: GroundingConvention;
    /** How the model is asked to answer, and which output form the parser expects first. */
    format: 'json-bbox_2d' | 'qwen2-box-tokens';
  };
  /** Known limitations users are told about (ModelInfo note / status). */
  caveats: string[];
  /** How the family takes a video: every per-family video fact lives here. */
  video: VideoConvention;
}

/**
 * Video input: frames at one size, pairs of frames (temporal_patch_size) merged into one
 * temporal patch, one `video_grid_thw` row [groups, h, w], the features in `<|video_pad|>` rows.
 */
export interface VideoConvention {
  padToken: '<|video_pad|>';
  /**
   * How the model learns when each temporal patch is:
   * - `index`: M-RoPE t positions 0, 1, 2… per patch (Qwen2-VL; no absolute time);
   * - `absolute-mrope`: t positions = patch index × seconds per patch × tokensPerSecond (Qwen2.5-VL
   *   `second_per_grid_ts`; config.json vision_config.tokens_per_second overrides the default);
   * - `text-timestamps`: `<12.5 seconds>` before each patch's own vision_start…vision_end block, and
   *   M-RoPE treats every patch as its own grid [1, h, w] (Qwen3-VL).
   */
  time: { kind: 'index' } | { kind: 'absolute-mrope'; tokensPerSecond: number } | { kind: 'text-timestamps' };
  /** Largest frame the model is given (Qwen's guidance: ~360×420). */
  maxFramePixels: number;
  /** Smallest frame worth sending; below it frames are dropped instead of shrunk further. */
  minFramePixels: number;
  /** Visual tokens one clip may take in the prompt: more frames means smaller frames, then fewer. */
  tokenBudget: number;
}
