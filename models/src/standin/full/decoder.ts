import type { TextDims } from '../../real-dims';
import type { Ctx } from './layers';
import { constant, ints, linear, rmsNorm, silu, toAct, toF32 } from './layers';

/**
 * decoder_model_merged at real size, in the transformers.js contract: inputs_embeds, attention_mask,
 * position_ids [3,B,S], past_key_values.{i}.key/value [B, kvHeads, past, headDim], num_logits_to_keep
 * → logits, present.{i}.*. Each layer does what a Qwen2/Qwen3 layer does (RMSNorm, q/k/v with bias or
 * q/k-norm, M-RoPE rotary, causal GQA attention over past + new, o, SwiGLU MLP), so the cost per token
 * is the real one; the weights are random, so the output is noise.
 */
export function buildFullDecoder(c: Ctx, t: TextDims): void {
  const { g } = c;
  const act = c.p.half ? 'float16' : 'float32';
  const { hidden, heads, kvHeads, headDim, layers } = t;
  const groups = heads / kvHeads;
  const embeds = g.input('inputs_embeds', act, ['batch_size', 'sequence_length', hidden]);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positions = g.input('position_ids', 'int64', [3, 'batch_size', 'sequence_length']);
  const past = Array.from({ length: layers }, (_, i) => ({
    key: g.input(`past_key_values.${i}.key`, act, ['batch_size', kvHeads, 'past_sequence_length', headDim]),
    value: g.input(`past_key_values.${i}.value`, act, ['batch_size', kvHeads, 'past_sequence_length', headDim]),
  }));
  const keep = g.input('num_logits_to_keep', 'int64', []);

  const [cos, sin] = rotary(c, positions, t);
  const bias = causalBias(c, mask, embeds);
  const toHeads = (x: string, n: number) => g.op('Transpose', [g.op('Reshape', [x, ints(c, `heads_${n}`, [0, 0, n, headDim])])], { perm: [0, 2, 1, 3] });
  const half = headDim / 2;
  const rotate = (x: string) => {
    const x1 = g.op('Slice', [x, ints(c, 'rot_a0', [0]), ints(c, 'rot_a1', [half]), ints(c, 'rot_axis', [-1])]);
    const x2 = g.op('Slice', [x, ints(c, 'rot_b0', [half]), ints(c, 'rot_b1', [headDim]), ints(c, 'rot_axis', [-1])]);
    const rotated = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: -1 });
    return g.op('Add', [g.op('Mul', [x, cos]), g.op('Mul', [rotated, sin])]);
  };
  const scale = constant(c, 'attn_scale', 1 / Math.sqrt(headDim));
  const grouped = ints(c, 'grouped_shape', [0, kvHeads, groups, -1, headDim]);
  const ungrouped = ints(c, 'ungrouped_shape', [0, heads, -1, headDim]);
  const flat = ints(c, 'flat_shape', [0, 0, heads * headDim]);

  let x = embeds;
  for (let i = 0; i < layers; i++) {
    const l = `layers.${i}`;
    const h = rmsNorm(c, `${l}.input_norm`, x, hidden, t.rmsEps);
    let q = toHeads(linear(c, `${l}.q`, h, hidden, heads * headDim, t.qkvBias), heads);
    let k = toHeads(linear(c, `${l}.k`, h, hidden, kvHeads * headDim, t.qkvBias), kvHeads);
    const v = toHeads(linear(c, `${l}.v`, h, hidden, kvHeads * headDim, t.qkvBias), kvHeads);
    if (t.qkNorm) {
      q = rmsNorm(c, `${l}.q_norm`, q, headDim, t.rmsEps);
      k = rmsNorm(c, `${l}.k_norm`, k, headDim, t.rmsEps);
    }
    const keys = g.op('Concat', [past[i]!.key, rotate(k)], { axis: 2 }, `present.${i}.key`);
    const values = g.op('Concat', [past[i]!.value, v], { axis: 2 }, `present.${i}.value`);
    g.output(`present.${i}.key`, act, ['batch_size', kvHeads, 'total_sequence_length', headDim]);
    g.output(`present.${i}.value`, act, ['batch_size', kvHeads, 'total_sequence_length', headDim]);

    // GQA without repeating K/V: the query heads of one KV head become extra rows of its matmul.
    const qg = g.op('Reshape', [rotate(q), grouped]); // [B, kv, G, S, D]
    const scores = g.op('MatMul', [qg, g.op('Unsqueeze', [g.op('Transpose', [keys], { perm: [0, 1, 3, 2] }), ints(c, 'axis_2', [2])])]);
    const probs = g.op('Softmax', [g.op('Add', [g.op('Mul', [scores, scale]), bias])], { axis: -1 });
    const ctx = g.op('MatMul', [probs, g.op('Unsqueeze', [values, ints(c, 'axis_2', [2])])]); // [B, kv, G, S, D]
    const merged = g.op('Reshape', [g.op('Transpose', [g.op('Reshape', [ctx, ungrouped])], { perm: [0, 2, 1, 3] }), flat]);
    x = g.op('Add', [x, linear(c, `${l}.o`, merged, heads * headDim, hidden)]);

    const h2 = rmsNorm(c, `${l}.post_norm`, x, hidden, t.rmsEps);
    const gate = silu(g, linear(c, `${l}.gate`, h2, hidden, t.mlp));
    const up = linear(c, `${l}.up`, h2, hidden, t.mlp);
    x = g.op('Add', [x, linear(c, `${l}.down`, g.op('Mul', [gate, up]), t.mlp, hidden)]);
  }

  // Only the last `num_logits_to_keep` positions reach lm_head (0 = all), as the exports do.
  const start = g.op('Neg', [g.op('Reshape', [keep, ints(c, 'shape1', [1])])]);
  const last = g.op('Slice', [rmsNorm(c, 'final_norm', x, hidden, t.rmsEps), start, ints(c, 'int_max', [2 ** 53 - 1]), ints(c, 'axis1', [1])]);
  g.op('Identity', [toF32(c, linear(c, 'lm_head', last, hidden, t.vocab))], {}, 'logits_f32');
  g.op(c.p.half ? 'Cast' : 'Identity', ['logits_f32'], c.p.half ? { to: 10 } : {}, 'logits');
  g.output('logits', act, ['batch_size', 'num_logits', t.vocab]);
}

/** cos/sin [B,1,S,D] from the three M-RoPE position rows, each frequency taken from its t/h/w row. */
function rotary(c: Ctx, positions: string, t: TextDims): [string, string] {
  const { g } = c;
  const half = t.headDim / 2;
  const invFreq = Float32Array.from({ length: half }, (_, i) => t.ropeTheta ** (-(2 * i) / t.headDim));
  const row = (f: number): number => {
    const [st, sh] = t.mropeSection;
    if (t.mropeInterleaved) return f % 3 === 1 && f < 3 * sh ? 1 : f % 3 === 2 && f < 3 * t.mropeSection[2] ? 2 : 0;
    return f < st ? 0 : f < st + sh ? 1 : 2;
  };
  const select = new Float32Array(3 * half);
  for (let f = 0; f < half; f++) select[row(f) * half + f] = 1;
  const pos = g.op('Unsqueeze', [g.op('Cast', [positions], { to: 1 }), ints(c, 'axis_last', [-1])]); // [3,B,S,1]
  const freqs = g.op('Mul', [pos, g.floats('inv_freq', [half], invFreq)]); // [3,B,S,half]
  const picked = g.op('ReduceSum', [g.op('Mul', [freqs, g.floats('mrope_select', [3, 1, 1, half], select)]), ints(c, 'axis_0', [0])], { keepdims: 0 });
  const emb = g.op('Unsqueeze', [g.op('Concat', [picked, picked], { axis: -1 }), ints(c, 'axis_1', [1])]); // [B,1,S,D]
  return [toAct(c, g.op('Cos', [emb])), toAct(c, g.op('Sin', [emb]))];
}

/** Additive bias [B,1,1,S,T]: 0 where key j is visible to query s (causal and unmasked), −1e4 elsewhere. */
function causalBias(c: Ctx, mask: string, embeds: string): string {
  const { g } = c;
  const total = g.op('Gather', [g.op('Shape', [mask]), ints(c, 'one_i', [1], [])], { axis: 0 });
  const seq = g.op('Gather', [g.op('Shape', [embeds]), ints(c, 'one_j', [1], [])], { axis: 0 });
  const zero = ints(c, 'zero_i', [0], []);
  const step = ints(c, 'step_i', [1], []);
  const keys = g.op('Range', [zero, total, step]); // [T]
  const queries = g.op('Add', [g.op('Range', [zero, seq, step]), g.op('Sub', [total, seq])]); // [S]
  const causal = g.op('LessOrEqual', [keys, g.op('Unsqueeze', [queries, ints(c, 'axis_last_b', [-1])])]); // [S,T]
  const visible = g.op('And', [causal, g.op('Unsqueeze', [g.op('Cast', [mask], { to: 9 }), ints(c, 'axis_1b', [1])])]); // [B,S,T]
  const bias = g.op('Where', [visible, constant(c, 'zero_bias', 0), constant(c, 'neg_bias', -1e4)]);
  return g.op('Unsqueeze', [bias, ints(c, 'axes_1_2', [1, 2])]);
}
