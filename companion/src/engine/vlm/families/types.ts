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
}
