/**
 * The per-family contract of a Qwen-VL export in the transformers.js layout.
 * A family is added by adding an entry here (and, engine-side, by registering its handling),
 * never by branching on model_type in callers.
 */
export type FamilyId = 'qwen2_vl' | 'qwen2_5_vl' | 'qwen3_vl';

export interface FamilyContract {
  id: FamilyId;
  label: string;
  /** `config.json` architectures[0] that transformers.js maps to the generation class. */
  architecture: string;
  /** Qwen2-VL keeps text fields at the top level; 2.5/3 nest them under `text_config`. */
  configLayout: 'flat' | 'nested';
  /** model_type of the nested text_config (nested layout only). */
  textModelType?: string;
  /** Name of the grid input of the vision_encoder session. */
  gridInputName: 'grid_thw' | 'image_grid_thw';
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
  processorClass: string;
  imageProcessorType: string;
  imageMean: [number, number, number];
  imageStd: [number, number, number];
  /** How grounding coordinates come out of the model: absolute pixels on the resized image, or 0–1000. */
  groundingCoordinates: 'absolute' | 'relative1000';
  /** config.json vision_config.tokens_per_second: M-RoPE t positions per second of video (Qwen2.5-VL's absolute time). */
  videoTokensPerSecond?: number;
  caveats: string[];
}

const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

export const FAMILIES: Record<FamilyId, FamilyContract> = {
  qwen2_vl: {
    id: 'qwen2_vl',
    label: 'Qwen2-VL',
    architecture: 'Qwen2VLForConditionalGeneration',
    configLayout: 'flat',
    gridInputName: 'grid_thw',
    patchSize: 14,
    mergeSize: 2,
    temporalPatchSize: 2,
    processorClass: 'Qwen2VLProcessor',
    imageProcessorType: 'Qwen2VLImageProcessor',
    imageMean: CLIP_MEAN,
    imageStd: CLIP_STD,
    groundingCoordinates: 'relative1000',
    caveats: [],
  },
  qwen2_5_vl: {
    id: 'qwen2_5_vl',
    label: 'Qwen2.5-VL',
    architecture: 'Qwen2_5_VLForConditionalGeneration',
    configLayout: 'nested',
    textModelType: 'qwen2_5_vl_text',
    gridInputName: 'image_grid_thw',
    patchSize: 14,
    mergeSize: 2,
    temporalPatchSize: 2,
    processorClass: 'Qwen2_5_VLProcessor',
    imageProcessorType: 'Qwen2VLImageProcessor',
    imageMean: CLIP_MEAN,
    imageStd: CLIP_STD,
    groundingCoordinates: 'absolute',
    videoTokensPerSecond: 2,
    caveats: [],
  },
  qwen3_vl: {
    id: 'qwen3_vl',
    label: 'Qwen3-VL',
    architecture: 'Qwen3VLForConditionalGeneration',
    configLayout: 'nested',
    textModelType: 'qwen3_vl_text',
    gridInputName: 'image_grid_thw',
    patchSize: 16,
    mergeSize: 2,
    temporalPatchSize: 2,
    processorClass: 'Qwen3VLProcessor',
    imageProcessorType: 'Qwen2VLImageProcessor',
    imageMean: [0.5, 0.5, 0.5],
    imageStd: [0.5, 0.5, 0.5],
    groundingCoordinates: 'relative1000',
    caveats: [
      'DeepStack features are not used by the 3-session ONNX split (transformers.js reuses the Qwen2.5-VL class): OCR and grounding accuracy are lower than the PyTorch model.',
    ],
  },
};

export const FAMILY_IDS = Object.keys(FAMILIES) as FamilyId[];

export function isFamilyId(value: unknown): value is FamilyId {
  return typeof value === 'string' && value in FAMILIES;
}

export function getFamily(id: string): FamilyContract {
  if (!isFamilyId(id)) throw new Error(`unknown model family "${id}" (known: ${FAMILY_IDS.join(', ')})`);
  return FAMILIES[id];
}

/** Length of one flattened patch row in pixel_values: channels · temporal · P · P. */
export const patchRowLength = (f: FamilyContract): number => 3 * f.temporalPatchSize * f.patchSize * f.patchSize;

/** The three sessions of the transformers.js split, in load order. */
export const SESSION_NAMES = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
export type SessionName = (typeof SESSION_NAMES)[number];

/** Token ids shared by every Qwen-VL tokenizer. */
export const QWEN_VL_TOKENS = {
  endOfText: 151643,
  imStart: 151644,
  imEnd: 151645,
  visionStart: 151652,
  visionEnd: 151653,
  imagePad: 151655,
  videoPad: 151656,
} as const;
