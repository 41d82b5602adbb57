import { GraphBuilder } from '../onnx/graph-builder';
import type { Family } from '../families';
import { patchRowLength, QWEN_VL_TOKENS } from '../families';
import { gatherQuantized, matMulNBits } from './quantize';

/** Dimensions of the stand-in. Tiny on purpose: it exercises plumbing, not language. */
export interface StandInDims {
  hidden: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  /** Rows of the logits / embedding table (Qwen-VL pads the vocabulary to 151,936). */
  vocab: number;
  /** Width of the embedding table before it is projected to `hidden` (keeps the file small). */
  embedRank: number;
}

export const DEFAULT_DIMS: StandInDims = { hidden: 32, layers: 2, kvHeads: 2, headDim: 8, vocab: 151936, embedRank: 4 };

/** Knobs that make the noise useful to tests of the generation loop. */
export interface StandInBehaviour {
  /** Once the sequence (prompt + generated) is at least this long, <|im_end|> wins: generation ends. */
  eosAfter?: number;
  /** Greedy output cycles through these token ids (by position): a guaranteed n-gram loop. */
  repeatTokens?: number[];
  /** Declare the optional `num_logits_to_keep` input transformers.js uses to compute only the last logits. */
  numLogitsToKeep: boolean;
}

export interface GraphOptions {
  family: Family;
  dims: StandInDims;
  /** fp16 activations at the session boundaries (fp16 / q4f16 exports). */
  half: boolean;
  /** Store weights the way quantized exports do: 4-bit MatMulNBits (q4*) or a uint8 table (q8). */
  quant: 'none' | 'q4' | 'q8';
  behaviour: StandInBehaviour;
  seed: number;
}

/** Deterministic pseudo-random weights (mulberry32), scaled to ±scale. */
export function randomFloats(count: number, seed: number, scale: number): Float32Array {
  let a = seed >>> 0;
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

const act = (half: boolean) => (half ? 'float16' : 'float32');
const toF32 = (g: GraphBuilder, name: string, half: boolean) => (half ? g.op('Cast', [name], { to: 1 }) : name);
const fromF32 = (g: GraphBuilder, name: string, half: boolean, out: string) =>
  half ? g.op('Cast', [name], { to: 10 }, out) : g.op('Identity', [name], {}, out);

/** vision_encoder: pixel_values [num_patches, 3·T·P·P] + grid [n,3] → image_features [num_patches/4, hidden]. */
export function buildVisionEncoder(o: GraphOptions): GraphBuilder {
  const g = new GraphBuilder('stand_in_vision_encoder');
  const row = patchRowLength(o.family);
  const merge = o.family.mergeSize * o.family.mergeSize;
  const pixels = g.input('pixel_values', 'float32', ['num_patches', row]);
  const grid = g.input(o.family.gridInputName, 'int64', ['num_images', 3]);

  const perImage = g.op('ReduceProd', [grid], { axes: [1], keepdims: 0 });
  const total = g.op('ReduceSum', [perImage], { keepdims: 1 });
  // Zeros shaped from the grid, added to the features: a grid that disagrees with pixel_values fails
  // to broadcast. (A Reshape check would be fused away by the optimizer.)
  const gridRows = g.op('Div', [total, g.ints('merge_area', [merge])]);
  const zerosShape = g.op('Concat', [gridRows, g.ints('hidden_len', [o.dims.hidden])], { axis: 0 });
  const gridZeros = g.op('Expand', [g.scalar('zero_f', 0), zerosShape]);
  const merged = g.op('Reshape', [pixels, g.ints('merged_shape', [-1, merge * row])]);
  const weights = randomFloats(merge * row * o.dims.hidden, o.seed + 1, 0.05);
  const projected =
    o.quant === 'q4'
      ? toF32(g, matMulNBits(g, 'vision_proj', o.half ? g.op('Cast', [merged], { to: 10 }) : merged, weights, merge * row, o.dims.hidden, o.half), o.half)
      : g.op('MatMul', [merged, g.floats('vision_proj', [merge * row, o.dims.hidden], weights)]);
  const features = g.op('Add', [g.op('Tanh', [projected]), gridZeros]);
  fromF32(g, features, o.half, 'image_features');
  g.output('image_features', act(o.half), ['num_merged_patches', o.dims.hidden]);
  return g;
}

/** embed_tokens: input_ids [B,S] → inputs_embeds [B,S,hidden] via Gather on a [vocab, rank] table. */
export function buildEmbedTokens(o: GraphOptions): GraphBuilder {
  const g = new GraphBuilder('stand_in_embed_tokens');
  const { vocab, embedRank, hidden } = o.dims;
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const tableValues = randomFloats(vocab * embedRank, o.seed + 2, 1);
  const proj = g.floats('embed_proj', [embedRank, hidden], randomFloats(embedRank * hidden, o.seed + 3, 0.5));
  const rows =
    o.quant === 'q8'
      ? gatherQuantized(g, 'embed_table', tableValues, vocab, embedRank, ids)
      : g.op('Gather', [g.floats('embed_table', [vocab, embedRank], tableValues), ids], { axis: 0 });
  fromF32(g, g.op('MatMul', [rows, proj]), o.half, 'inputs_embeds');
  g.output('inputs_embeds', act(o.half), ['batch_size', 'sequence_length', hidden]);
  return g;
}

/**
 * decoder_model_merged: a real (tiny) attention stack over a KV cache. position_ids feed a sinusoidal
 * term and attention_mask becomes an additive bias over [past + new], so wrong shapes fail loudly.
 * Logits are deterministic noise over ordinary tokens; special tokens are masked out.
 */
export function buildDecoder(o: GraphOptions): GraphBuilder {
  const g = new GraphBuilder('stand_in_decoder_model_merged');
  const { hidden, layers, kvHeads, headDim, vocab } = o.dims;
  const inner = kvHeads * headDim;
  const a = act(o.half);
  let seed = o.seed + 100;
  const weight = (name: string, rows: number, cols: number, scale: number) =>
    g.floats(name, [rows, cols], randomFloats(rows * cols, seed++, scale));

  const embeds = g.input('inputs_embeds', a, ['batch_size', 'sequence_length', hidden]);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positions = g.input('position_ids', 'int64', [3, 'batch_size', 'sequence_length']);
  const past: Array<{ key: string; value: string }> = [];
  for (let i = 0; i < layers; i++) {
    past.push({
      key: g.input(`past_key_values.${i}.key`, a, ['batch_size', kvHeads, 'past_sequence_length', headDim]),
      value: g.input(`past_key_values.${i}.value`, a, ['batch_size', kvHeads, 'past_sequence_length', headDim]),
    });
  }
  const keep = o.behaviour.numLogitsToKeep ? g.input('num_logits_to_keep', 'int64', []) : undefined;

  // M-RoPE stand-in: the three position rows, projected and passed through sin.
  const posF = g.op('Transpose', [g.op('Cast', [positions], { to: 1 })], { perm: [1, 2, 0] });
  const posTerm = g.op('Sin', [g.op('MatMul', [posF, weight('pos_proj', 3, hidden, 0.3)])]);
  let x = g.op('Add', [toF32(g, embeds, o.half), posTerm]);

  // attention_mask [B,T] → additive bias [B,1,1,T]
  const maskF = g.op('Cast', [mask], { to: 1 });
  const maskBias = g.op('Mul', [g.op('Sub', [maskF, g.scalar('one', 1)]), g.scalar('mask_scale', 10000)]);
  const bias4 = g.op('Unsqueeze', [maskBias, g.ints('axes_1_2', [1, 2])]);
  const headsShape = g.ints('heads_shape', [0, 0, kvHeads, headDim]);
  const flatShape = g.ints('flat_shape', [0, 0, inner]);
  const scale = g.scalar('attn_scale', 1 / Math.sqrt(headDim));

  const toHeads = (t: string) => g.op('Transpose', [g.op('Reshape', [t, headsShape])], { perm: [0, 2, 1, 3] });
  for (let i = 0; i < layers; i++) {
    const q = toHeads(g.op('MatMul', [x, weight(`l${i}_q`, hidden, inner, 0.3)]));
    const k = toHeads(g.op('MatMul', [x, weight(`l${i}_k`, hidden, inner, 0.3)]));
    const v = toHeads(g.op('MatMul', [x, weight(`l${i}_v`, hidden, inner, 0.3)]));
    const pastK = past[i]!.key;
    const pastV = past[i]!.value;
    const keys = g.op('Concat', [toF32(g, pastK, o.half), k], { axis: 2 });
    const values = g.op('Concat', [toF32(g, pastV, o.half), v], { axis: 2 });
    fromF32(g, keys, o.half, `present.${i}.key`);
    fromF32(g, values, o.half, `present.${i}.value`);
    g.output(`present.${i}.key`, a, ['batch_size', kvHeads, 'total_sequence_length', headDim]);
    g.output(`present.${i}.value`, a, ['batch_size', kvHeads, 'total_sequence_length', headDim]);

    const scores = g.op('Mul', [g.op('MatMul', [q, g.op('Transpose', [keys], { perm: [0, 1, 3, 2] })]), scale]);
    const probs = g.op('Softmax', [g.op('Add', [scores, bias4])], { axis: -1 });
    const ctx = g.op('Reshape', [g.op('Transpose', [g.op('MatMul', [probs, values])], { perm: [0, 2, 1, 3] }), flatShape]);
    x = g.op('Add', [x, g.op('MatMul', [ctx, weight(`l${i}_o`, inner, hidden, 0.3)])]);
  }

  // Keep only the last `num_logits_to_keep` positions (0 = all), as exports that declare it do.
  let tPos = g.op('Squeeze', [g.op('Gather', [positions, g.ints('zero', [0])], { axis: 0 }), g.ints('axis0', [0])]);
  if (keep) {
    const start = g.op('Neg', [g.op('Reshape', [keep, g.ints('shape1', [1])])]);
    const end = g.ints('int_max', [2 ** 53 - 1]);
    x = g.op('Slice', [x, start, end, g.ints('axis1', [1])]);
    tPos = g.op('Slice', [tPos, start, end, g.ints('axis1b', [1])]);
  }

  // Logits: sin over the vocabulary index, phase-shifted by the hidden state → deterministic noise.
  const vocabIds = g.op('Range', [g.ints('r0', [0], []), g.ints('rv', [vocab], []), g.ints('r1', [1], [])]);
  const vocabF = g.op('Cast', [vocabIds], { to: 1 });
  const s = g.op('MatMul', [x, weight('lm_a', hidden, 1, 0.5)]);
  const phase = g.op('Mul', [vocabF, g.scalar('lm_freq', 0.7311)]);
  let logits = g.op('Sin', [g.op('Add', [g.op('Mul', [s, phase]), g.op('Mul', [vocabF, g.scalar('lm_off', 0.0123)])])]);

  // Special and padding ids (≥ <|endoftext|>) never win on noise.
  const ordinary = g.op('Cast', [g.op('Less', [vocabIds, g.ints('first_special', [QWEN_VL_TOKENS.endOfText], [])])], { to: 1 });
  logits = g.op('Add', [logits, g.op('Mul', [g.op('Sub', [ordinary, g.scalar('one_b', 1)]), g.scalar('special_penalty', 1000)])]);

  const isId = (id: string | number, name: string) =>
    g.op('Cast', [g.op('Equal', [vocabIds, typeof id === 'number' ? g.ints(name, [id], []) : id])], { to: 1 });

  if (o.behaviour.repeatTokens?.length) {
    const cycle = o.behaviour.repeatTokens;
    const slot = g.op('Mod', [tPos, g.ints('cycle_len', [cycle.length], [])]);
    const target = g.op('Unsqueeze', [g.op('Gather', [g.ints('cycle', cycle), slot], { axis: 0 }), g.ints('axis_last', [-1])]);
    logits = g.op('Add', [logits, g.op('Mul', [isId(target, 'unused'), g.scalar('repeat_boost', 100)])]);
  }
  if (o.behaviour.eosAfter !== undefined) {
    const total = g.op('Gather', [g.op('Shape', [mask]), g.ints('one_i', [1], [])], { axis: 0 });
    const due = g.op('Cast', [g.op('GreaterOrEqual', [total, g.ints('eos_after', [o.behaviour.eosAfter], [])])], { to: 1 });
    const boost = g.op('Mul', [isId(QWEN_VL_TOKENS.imEnd, 'eos_id'), g.op('Mul', [due, g.scalar('eos_boost', 5000)])]);
    logits = g.op('Add', [logits, boost]);
  }

  // A clear winner survives the cast to fp16 (150k noisy values would otherwise tie at the top).
  const winner = g.op('ArgMax', [logits], { axis: -1, keepdims: 1 });
  logits = g.op('Add', [logits, g.op('Mul', [isId(winner, 'unused_w'), g.scalar('winner_boost', 4)])]);

  fromF32(g, logits, o.half, 'logits');
  g.output('logits', a, ['batch_size', keep ? 'num_logits' : 'sequence_length', vocab]);
  return g;
}
