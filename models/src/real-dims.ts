/**
 * The real dimensions of each catalog model, from its upstream `config.json` (Qwen/<name> on the
 * Hugging Face hub). No machine here reaches the hub, so each value was read from public code that
 * quotes those config files; `sources` names where. Full-size stand-ins and the bench's llama.cpp
 * peer are built from this table and the family table (models/src/families) only.
 */
import { getCatalogEntry } from './catalog';
import type { Family, FamilyNetwork } from './families';
import { getFamily } from './families';

/** A decoder's sizes (from the model's config.json) plus its family's text traits (qkvBias, qkNorm, mropeInterleaved). */
export type TextDims = TextSizes & Pick<FamilyNetwork['text'], 'qkvBias' | 'qkNorm' | 'mropeInterleaved'>;

interface TextSizes {
  layers: number;
  hidden: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  mlp: number;
  vocab: number;
  tiedEmbeddings: boolean;
  ropeTheta: number;
  /** M-RoPE split of the rotary frequencies over t/h/w (sums to headDim / 2). */
  mropeSection: [number, number, number];
  rmsEps: number;
}

/** A vision tower's sizes plus its family's traits, as the full-size builder reads them. */
export interface VisionDims extends Pick<FamilyNetwork['vision'], 'mlpKind' | 'norm' | 'patchEmbedBias'> {
  depth: number;
  hidden: number;
  heads: number;
  /** Width of the block MLP. */
  mlp: number;
  patchSize: number;
  mergeSize: number;
  temporalPatchSize: number;
  /** Window attention (Qwen2.5-VL): window edge in pixels and the blocks that attend globally. */
  window?: { sizePx: number; fullBlocks: number[] };
  /** Learned position table (Qwen3-VL `num_position_embeddings`), interpolated to the grid. */
  positionEmbeddings?: number;
  /** Merger output width = text hidden. The merger MLP is (hidden·merge²) → (hidden·merge²) → out. */
  outHidden: number;
  /** DeepStack taps (Qwen3-VL): listed for the record; the 3-session ONNX split does not use them. */
  deepstackLayers?: number[];
}

export interface RealDims {
  text: TextDims;
  vision: VisionDims;
  sources: string[];
}

/** What one model's config.json says; whatever its family decides comes from the family table. */
export interface ModelSizes {
  text: TextSizes;
  vision: {
    depth: number;
    hidden: number;
    heads: number;
    mlp: number;
    /** `fullatt_block_indexes`, for a family with window attention. */
    windowFullBlocks?: number[];
    /** `num_position_embeddings`, for a family with a learned position table. */
    positionEmbeddings?: number;
    /** `deepstack_visual_indexes`, for a DeepStack family. */
    deepstackLayers?: number[];
  };
  sources: string[];
}

/** Every Qwen2.5-VL size has the same vision tower: a row of that family gives its decoder and sources. */
const withQwen25Vision = (sizes: Omit<ModelSizes, 'vision'>): ModelSizes => ({ ...sizes, vision: { depth: 32, hidden: 1280, heads: 16, mlp: 3420, windowFullBlocks: [7, 15, 23, 31] } });

export const REAL_DIMS: Record<string, ModelSizes> = {
  'qwen2.5-vl-3b': withQwen25Vision({
    text: { layers: 36, hidden: 2048, heads: 16, kvHeads: 2, headDim: 128, mlp: 11008, vocab: 151936, tiedEmbeddings: true, ropeTheta: 1e6, mropeSection: [16, 24, 24], rmsEps: 1e-6 },
    sources: [
      'Qwen/Qwen2.5-VL-3B-Instruct config.json as quoted verbatim in public code: a "# Qwen/Qwen2.5-VL-3B-Instruct / model config" note (hidden_size 2048, intermediate_size 11008, 36 layers, 16/2 heads, tie_word_embeddings true, vocab 151936, vision depth 32, hidden 1280, intermediate 3420, 16 heads, window_size 112, fullatt_block_indexes [7,15,23,31], out_hidden_size 2048, mrope_section [16,24,24]) and a C++ test fixture "selected Json config from Qwen2.5VL-3B" with the same values',
      'module print of Qwen2_5_VLForConditionalGeneration (acproject/duorou docs/qwen2.5vl_graph.md): qkv 1280→3840 with bias, SwiGLU gate/up/down 1280↔3420 with bias, RMSNorm, merger 5120→5120→out; text q/k/v with bias, o without',
      'head_dim = hidden / heads = 128',
    ],
  }),
  'qwen2.5-vl-7b': withQwen25Vision({
    text: { layers: 28, hidden: 3584, heads: 28, kvHeads: 4, headDim: 128, mlp: 18944, vocab: 152064, tiedEmbeddings: false, ropeTheta: 1e6, mropeSection: [16, 24, 24], rmsEps: 1e-6 },
    sources: [
      'module print of Qwen2_5_VLForConditionalGeneration 7B (acproject/duorou docs/qwen2.5vl_graph.md): embed_tokens 152064×3584, 28 layers, q 3584→3584, k/v 3584→512 (4 KV heads × 128), MLP 18944, merger 5120→3584; vision blocks as in the 3B',
      'heads = 3584 / 128 = 28; KV heads = 512 / 128 = 4; tie_word_embeddings false is the upstream config value as remembered, not quoted from a stored copy (the 7B ships a separate lm_head)',
    ],
  }),
  'qwen3-vl-2b': {
    text: { layers: 28, hidden: 2048, heads: 16, kvHeads: 8, headDim: 128, mlp: 6144, vocab: 151936, tiedEmbeddings: true, ropeTheta: 5e6, mropeSection: [24, 20, 20], rmsEps: 1e-6 },
    vision: { depth: 24, hidden: 1024, heads: 16, mlp: 4096, positionEmbeddings: 2304, deepstackLayers: [5, 11, 17] },
    sources: [
      'Qwen/Qwen3-VL-2B-Instruct config.json as quoted verbatim in public test fixtures (an openvino.genai Qwen3VLSpecTest and a Rust "parses_official_checkpoint_shape" test): text_config hidden_size 2048, intermediate_size 6144, 28 layers, 16/8 heads, head_dim 128, vocab 151936, tie_word_embeddings true, attention_bias false, rope_theta 5000000, mrope_section [24,20,20] interleaved; vision_config depth 24, hidden_size 1024, intermediate_size 4096, 16 heads, patch 16, merge 2, num_position_embeddings 2304, out_hidden_size 2048, deepstack_visual_indexes [5,11,17], hidden_act gelu_pytorch_tanh',
    ],
  },
  'qwen2-vl-2b': {
    text: { layers: 28, hidden: 1536, heads: 12, kvHeads: 2, headDim: 128, mlp: 8960, vocab: 151936, tiedEmbeddings: true, ropeTheta: 1e6, mropeSection: [16, 24, 24], rmsEps: 1e-6 },
    vision: { depth: 32, hidden: 1280, heads: 16, mlp: 5120 },
    sources: [
      'Qwen/Qwen2-VL-2B-Instruct config.json: hidden_size 1536, intermediate_size 8960, 28 layers, 12/2 heads, vocab 151936, tie_word_embeddings true; vision_config depth 32, embed_dim 1280, num_heads 16, mlp_ratio 4, hidden_size 1536 (as mirrored in the mllm Qwen2VLConfig defaults: visual_embed_dim 1280, visual_depth 32, visual_num_heads 16, visual_mlp_ratio 4, hidden_size 1536)',
      'module print of Qwen2VLForConditionalGeneration (zhenhua32/Qwen2-VL READ.md): LayerNorm, qkv 1280→3840 with bias, fc1/fc2 1280↔5120 with QuickGELU, merger LayerNorm + 5120→5120→out',
    ],
  },
};

export function getRealDims(id: string): RealDims {
  const sizes = REAL_DIMS[id];
  if (!sizes) throw new Error(`no real dimensions for "${id}" (known: ${Object.keys(REAL_DIMS).join(', ')})`);
  return realDimsOf(getFamily(getCatalogEntry(id).family), sizes);
}

/** One model's sizes with its family's traits; a size the family needs (or cannot use) missing is an error. */
export function realDimsOf(family: Family, sizes: ModelSizes): RealDims {
  const { text: t, vision: v } = family.network;
  const { windowFullBlocks, ...vision } = sizes.vision;
  const need = (has: boolean, wants: boolean, field: string) => {
    if (has !== wants) throw new Error(`${family.label} ${wants ? 'needs' : 'has no'} vision ${field}`);
  };
  need(windowFullBlocks !== undefined, v.windowAttentionPx !== undefined, 'windowFullBlocks (window attention)');
  need(vision.positionEmbeddings !== undefined, v.learnedPositions, 'positionEmbeddings (learned position table)');
  need(vision.deepstackLayers !== undefined, v.deepstack, 'deepstackLayers (DeepStack)');
  return {
    text: { ...sizes.text, qkvBias: t.qkvBias, qkNorm: t.qkNorm, mropeInterleaved: t.mropeInterleaved },
    vision: {
      ...vision,
      outHidden: sizes.text.hidden,
      mlpKind: v.mlpKind,
      norm: v.norm,
      patchEmbedBias: v.patchEmbedBias,
      patchSize: family.patchSize,
      mergeSize: family.mergeSize,
      temporalPatchSize: family.temporalPatchSize,
      ...(v.windowAttentionPx !== undefined && windowFullBlocks ? { window: { sizePx: v.windowAttentionPx, fullBlocks: [...windowFullBlocks] } } : {}),
    },
    sources: sizes.sources,
  };
}

/** Parameters of the text decoder's linear layers (what is read per decoded token, lm_head included). */
export function textLinearParams(t: TextDims): number {
  const attn = t.hidden * t.heads * t.headDim * 2 + t.hidden * t.kvHeads * t.headDim * 2;
  return t.layers * (attn + 3 * t.hidden * t.mlp) + t.hidden * t.vocab;
}
