import type { Family } from '../../families';
import type { RealDims } from '../../real-dims';
import { STAND_IN_LABEL } from '../config-files';

/** The tiny stand-in's config.json with the real text and vision sizes written in. */
export function realSizeConfig(base: Record<string, unknown>, family: Family, id: string, d: RealDims): Record<string, unknown> {
  const t = d.text;
  const v = d.vision;
  const text = {
    hidden_size: t.hidden,
    intermediate_size: t.mlp,
    num_hidden_layers: t.layers,
    num_attention_heads: t.heads,
    num_key_value_heads: t.kvHeads,
    head_dim: t.headDim,
    vocab_size: t.vocab,
    rope_theta: t.ropeTheta,
    rms_norm_eps: t.rmsEps,
    rope_scaling: { type: 'mrope', mrope_section: t.mropeSection, ...(t.mropeInterleaved ? { mrope_interleaved: true } : {}) },
    tie_word_embeddings: t.tiedEmbeddings,
  };
  const vision = {
    ...(base.vision_config as Record<string, unknown>),
    depth: v.depth,
    hidden_size: v.hidden,
    num_heads: v.heads,
    intermediate_size: v.mlp,
    out_hidden_size: v.outHidden,
    ...(v.window ? { window_size: v.window.sizePx, fullatt_block_indexes: v.window.fullBlocks } : {}),
    ...(v.positionEmbeddings ? { num_position_embeddings: v.positionEmbeddings } : {}),
    ...(v.deepstackLayers ? { deepstack_visual_indexes: v.deepstackLayers } : {}),
  };
  const out: Record<string, unknown> = { ...base, vision_config: vision, tie_word_embeddings: t.tiedEmbeddings };
  if (family.configLayout === 'flat') Object.assign(out, text);
  else out.text_config = { ...(base.text_config as Record<string, unknown>), ...text };
  out.loupe_stand_in = { label: STAND_IN_LABEL, real_dimensions_of: id, eos_after: null, repeat_tokens: null };
  return out;
}
