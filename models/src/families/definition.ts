import { QWEN2_VL_CHAT_TEMPLATE } from './chat-templates';

/**
 * What a Qwen-VL family is, in one type. Every consumer (stand-in builders, verify, the local and
 * remote engines, the catalog, the bench) reads these fields instead of branching on the family.
 */
export interface FamilyDefinition<Id extends string = string> {
  /** config.json `model_type`. */
  id: Id;
  label: string;
  /** `config.json` architectures[0] that transformers.js maps to the generation class. */
  architecture: string;
  /** Qwen2-VL keeps text fields at the top level; 2.5/3 nest them under `text_config`. */
  configLayout: 'flat' | 'nested';
  /** model_type of the nested text_config (nested layout only). */
  textModelType?: string;
  /** Name of the grid input of the vision_encoder session. */
  gridInputName: 'grid_thw' | 'image_grid_thw';
  /** Vision patch edge in pixels (Qwen2/2.5-VL 14, Qwen3-VL 16): images are resized to multiples of patch × merge. */
  patchSize: number;
  /** Spatial merge: one visual token per merge × merge patches. */
  mergeSize: number;
  /** Frames per temporal patch: an image is its own frame repeated, a video pairs frames. */
  temporalPatchSize: number;
  processorClass: string;
  imageProcessorType: string;
  imageMean: [number, number, number];
  imageStd: [number, number, number];
  /** Jinja chat template as shipped upstream (tokenizer_config.json `chat_template`). */
  chatTemplate: string;
  grounding: FamilyGrounding;
  /** Served model names (OpenAI-compatible remotes) of this family, matched against the lower-cased name. */
  remoteModelName: RegExp;
  /** Known limitations users are told about (ModelInfo note, `models list`). */
  caveats: string[];
  /** How the real network differs between families: what full-size stand-ins and the bench peer build. */
  network: FamilyNetwork;
  video: FamilyVideo;
}

export type GroundingConvention =
  /** Coordinates are absolute pixels on the (resized) image the model saw. */
  | 'absolute-resized'
  /** Coordinates are normalised to 0..1000 on both axes. */
  | 'normalized-1000';

export const GROUNDING_DESCRIPTION: Record<GroundingConvention, string> = {
  'absolute-resized': 'Grounding boxes are absolute pixels on the resized image.',
  'normalized-1000': 'Grounding boxes are 0–1000 relative coordinates.',
};

export interface FamilyGrounding {
  convention: GroundingConvention;
  /** How the model is asked to answer, and which output form the parser expects first. */
  format: 'json-bbox_2d' | 'qwen2-box-tokens';
}

export interface FamilyNetwork {
  text: {
    /** q/k/v projections carry a bias (Qwen2 / Qwen2.5 text). */
    qkvBias: boolean;
    /** Per-head RMSNorm on q and k (Qwen3 text). */
    qkNorm: boolean;
    /** M-RoPE frequencies interleaved over t/h/w instead of in three blocks (Qwen3). */
    mropeInterleaved: boolean;
    /** llama.cpp architecture of the same text decoder (the bench's peer). */
    llamaCppArchitecture: 'qwen2' | 'qwen3';
  };
  vision: {
    /** 'swiglu' (gate/up/down, Qwen2.5-VL), 'quick_gelu' (fc1/fc2, Qwen2-VL), 'gelu_tanh' (fc1/fc2, Qwen3-VL). */
    mlpKind: 'swiglu' | 'quick_gelu' | 'gelu_tanh';
    norm: 'rms' | 'layer';
    /** The patch-embedding Conv3d has a bias (Qwen3-VL). */
    patchEmbedBias: boolean;
    /** Window attention (Qwen2.5-VL): window edge in pixels; the globally attending blocks are per model. */
    windowAttentionPx?: number;
    /** A learned position table interpolated to the grid (Qwen3-VL `num_position_embeddings`). */
    learnedPositions: boolean;
    /** DeepStack taps into the decoder (Qwen3-VL); the 3-session ONNX split drops them. */
    deepstack: boolean;
  };
}

/**
 * Video input: frames at one size, pairs of frames (temporalPatchSize) merged into one temporal
 * patch, one `video_grid_thw` row [groups, h, w], the features in `<|video_pad|>` rows.
 */
export interface FamilyVideo {
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

/** An entry names what it is and overrides only what differs from the base. */
export type FamilyEntry<Id extends string> = Pick<FamilyDefinition<Id>, 'id' | 'label' | 'architecture' | 'processorClass' | 'remoteModelName'> & {
  [K in Exclude<keyof FamilyDefinition, 'id' | 'label' | 'architecture' | 'processorClass' | 'remoteModelName'>]?: Overrides<FamilyDefinition[K]>;
};
type Overrides<T> = T extends RegExp | string | number | boolean | unknown[] ? T : { [K in keyof T]?: Overrides<T[K]> };

const CLIP_MEAN: [number, number, number] = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD: [number, number, number] = [0.26862954, 0.26130258, 0.27577711];

/** What every Qwen-VL export shares unless its entry says otherwise (the transformers.js base class). */
export const QWEN_VL_BASE: Omit<FamilyDefinition, 'id' | 'label' | 'architecture' | 'processorClass' | 'remoteModelName'> = {
  configLayout: 'nested',
  gridInputName: 'image_grid_thw',
  patchSize: 14,
  mergeSize: 2,
  temporalPatchSize: 2,
  imageProcessorType: 'Qwen2VLImageProcessor',
  imageMean: CLIP_MEAN,
  imageStd: CLIP_STD,
  chatTemplate: QWEN2_VL_CHAT_TEMPLATE,
  grounding: { convention: 'normalized-1000', format: 'json-bbox_2d' },
  caveats: [],
  network: {
    text: { qkvBias: true, qkNorm: false, mropeInterleaved: false, llamaCppArchitecture: 'qwen2' },
    vision: { mlpKind: 'quick_gelu', norm: 'layer', patchEmbedBias: false, learnedPositions: false, deepstack: false },
  },
  // Frames up to ~360×420 (Qwen's guidance to stay in memory), a clip within ~4k visual tokens
  // (64 frames = 32 temporal patches of ~128 tokens).
  video: { padToken: '<|video_pad|>', time: { kind: 'index' }, maxFramePixels: 360 * 420, minFramePixels: 128 * 28 * 28, tokenBudget: 4096 },
};

/** The base with an entry's overrides merged in (nested objects field by field; arrays and patterns replace). */
export function defineFamily<const Id extends string>(entry: FamilyEntry<Id>): FamilyDefinition<Id> {
  return merge(QWEN_VL_BASE, entry) as FamilyDefinition<Id>;
}

/** Another family with an entry's overrides merged in, the same way (a family that is one of ours plus what differs). */
export function deriveFamily<const Id extends string>(from: FamilyDefinition, entry: FamilyEntry<Id>): FamilyDefinition<Id> {
  return merge(from, entry) as FamilyDefinition<Id>;
}

function merge(base: object, over: object): object {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] = isPlainObject(prior) && isPlainObject(value) && !changesKind(prior, value) ? merge(prior, value) : value;
  }
  return out;
}

/** A tagged value (`{ kind }`) of another kind replaces the prior one whole: its fields belong to that kind alone. */
const changesKind = (prior: object, value: object): boolean => 'kind' in prior && 'kind' in value && prior.kind !== value.kind;

const isPlainObject = (v: unknown): v is object => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;
