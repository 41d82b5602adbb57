import type { AttentionMatch } from './gqa-pattern';
import { floatAttribute, floatInitializer, int64Initializer, intAttribute, intsAttribute, nodeBytes } from './onnx-wire';

/**
 * The nodes that replace one layer's attention (gqa-rewrite.ts), in one of two forms:
 * - 'fused': one GroupQueryAttention does it all. Its CPU kernel runs one GEMV per query head,
 *   so each K/V head is read once per query head of its group (8× for Qwen2.5-VL-3B).
 * - 'grouped': a GroupQueryAttention with as many query heads as K/V heads only writes the new
 *   K/V rows into the shared buffer in place (its own small output is unused); the attention is
 *   then one FusedMatMul per K/V head with the group's query heads as rows (each K/V row read
 *   once), over the whole buffer, with a causal bias that also hides the rows past the context.
 */
export type AttentionForm = 'fused' | 'grouped' | 'rows';

export const PREFIX = 'loupe_gqa';
export const SEQLENS = `${PREFIX}_seqlens_k`;
export const TOTAL = `${PREFIX}_total_sequence_length`;
const n = (op: string, inputs: string[], output: string, attributes: Uint8Array[] = [], domain = '') => nodeBytes(op, inputs, [output], `${output}_node`, attributes, domain);

/** seqlens_k = sum(attention_mask) − 1 (int32 [B]) and total_sequence_length = its length (int32 scalar). */
export function lengthNodes(): Uint8Array[] {
  return [
    n('ReduceSum', ['attention_mask', `${PREFIX}_axes_1`], `${PREFIX}_mask_sum`, [intAttribute('keepdims', 0)]),
    n('Sub', [`${PREFIX}_mask_sum`, `${PREFIX}_one`], `${PREFIX}_seqlens_i64`),
    n('Cast', [`${PREFIX}_seqlens_i64`], SEQLENS, [intAttribute('to', 6)]),
    n('Shape', ['attention_mask'], `${PREFIX}_mask_shape`),
    n('Gather', [`${PREFIX}_mask_shape`, `${PREFIX}_one`], `${PREFIX}_total_i64`, [intAttribute('axis', 0)]),
    n('Cast', [`${PREFIX}_total_i64`], TOTAL, [intAttribute('to', 6)]),
  ];
}

export function initializers(m: AttentionMatch): Uint8Array[] {
  const g = m.heads / m.kvHeads;
  return [
    int64Initializer(`${PREFIX}_axes_1`, [1], [1]),
    int64Initializer(`${PREFIX}_one`, [], [1]),
    int64Initializer(`${PREFIX}_zero`, [], [0]),
    int64Initializer(`${PREFIX}_two`, [], [2]),
    int64Initializer(`${PREFIX}_shape1`, [1], [1]),
    int64Initializer(`${PREFIX}_bias_axes`, [3], [0, 1, 3]),
    int64Initializer(`${PREFIX}_q_shape`, [3], [0, 0, m.heads * m.headDim]),
    int64Initializer(`${PREFIX}_kv_shape`, [3], [0, 0, m.kvHeads * m.headDim]),
    int64Initializer(`${PREFIX}_bsgroup_shape`, [5], [0, 0, m.kvHeads, g, m.headDim]),
    int64Initializer(`${PREFIX}_rows_shape`, [4], [0, m.kvHeads, -1, m.headDim]),
    int64Initializer(`${PREFIX}_heads_shape`, [4], [0, m.heads, -1, m.headDim]),
    int64Initializer(`${PREFIX}_group_repeats`, [2], [g, 1]),
    int64Initializer(`${PREFIX}_ctx5_shape`, [5], [0, m.kvHeads, -1, g, m.headDim]),
    int64Initializer(`${PREFIX}_scores5_head`, [4], [0, m.kvHeads, -1, g]),
    int64Initializer(`${PREFIX}_scores4_head`, [3], [0, m.kvHeads, -1]),
    floatInitializer(`${PREFIX}_bias_zero`, [], [0]),
    floatInitializer(`${PREFIX}_bias_hidden`, [], [-1e4]),
  ];
}

/** Q [B, N, S, D] (or K, V) → [B, S, N·D], the layout GroupQueryAttention takes. */
function toBsh(p: string, x: string, tag: string, shape: string): [Uint8Array[], string] {
  return [[n('Transpose', [x], `${p}_${tag}_bsnd`, [intsAttribute('perm', [0, 2, 1, 3])]), n('Reshape', [`${p}_${tag}_bsnd`, shape], `${p}_${tag}_bsh`)], `${p}_${tag}_bsh`];
}

export function fusedNodes(m: AttentionMatch): Uint8Array[] {
  const p = `${PREFIX}_${m.layer}`;
  const [qNodes, q] = toBsh(p, m.q, 'q', `${PREFIX}_q_shape`);
  const [kNodes, k] = toBsh(p, m.k, 'k', `${PREFIX}_kv_shape`);
  const [vNodes, v] = toBsh(p, m.v, 'v', `${PREFIX}_kv_shape`);
  const attributes = [intAttribute('num_heads', m.heads), intAttribute('kv_num_heads', m.kvHeads), floatAttribute('scale', m.scale), intAttribute('do_rotary', 0)];
  const gqa = nodeBytes('GroupQueryAttention', [q, k, v, m.pastKey, m.pastValue, SEQLENS, TOTAL], [m.output, m.presentKey, m.presentValue], `${p}_attention`, attributes, 'com.microsoft');
  return [...qNodes, ...kNodes, ...vNodes, gqa];
}

/**
 * The bias [1, 1, S, 1, rows] (0 where key j ≤ total − S + s, −1e4 elsewhere, in the KV type) and
 * the two score shapes, from layer 0's present buffer; emitted once, after layer 0's KV write.
 */
function biasNodes(presentKey: string, elem: number): Uint8Array[] {
  const x = (s: string) => `${PREFIX}_${s}`;
  return [
    n('Shape', [presentKey], x('present_shape')),
    n('Gather', [x('present_shape'), x('two')], x('rows')),
    n('Shape', ['inputs_embeds'], x('embeds_shape')),
    n('Gather', [x('embeds_shape'), x('one')], x('new_rows')),
    n('Range', [x('zero'), x('rows'), x('one')], x('key_index')),
    n('Range', [x('zero'), x('new_rows'), x('one')], x('query_offset')),
    n('Sub', [x('total_i64'), x('new_rows')], x('past_rows')),
    n('Add', [x('query_offset'), x('past_rows')], x('query_index')),
    n('Unsqueeze', [x('query_index'), x('shape1')], x('query_column')),
    n('LessOrEqual', [x('key_index'), x('query_column')], x('visible')),
    n('Where', [x('visible'), x('bias_zero'), x('bias_hidden')], x('bias_f32')),
    n('Cast', [x('bias_f32')], x('bias_sm'), [intAttribute('to', elem)]),
    n('Unsqueeze', [x('bias_sm'), x('bias_axes')], x('bias')),
    n('Reshape', [x('rows'), x('shape1')], x('rows_1')),
    n('Concat', [x('scores5_head'), x('rows_1')], x('scores5_shape'), [intAttribute('axis', 0)]),
    n('Concat', [x('scores4_head'), x('rows_1')], x('scores4_shape'), [intAttribute('axis', 0)]),
  ];
}

export function groupedNodes(m: AttentionMatch, elem: number): Uint8Array[] {
  const p = `${PREFIX}_${m.layer}`;
  const x = (s: string) => `${PREFIX}_${s}`;
  const [kNodes, k] = toBsh(p, m.k, 'k', x('kv_shape'));
  const [vNodes, v] = toBsh(p, m.v, 'v', x('kv_shape'));
  const writer = [intAttribute('num_heads', m.kvHeads), intAttribute('kv_num_heads', m.kvHeads), floatAttribute('scale', m.scale), intAttribute('do_rotary', 0)];
  const write = nodeBytes('GroupQueryAttention', [k, k, v, m.pastKey, m.pastValue, SEQLENS, TOTAL], [`${p}_unused`, m.presentKey, m.presentValue], `${p}_kv_write`, writer, 'com.microsoft');
  const perm = (values: number[]) => [intsAttribute('perm', values)];
  return [
    ...kNodes,
    ...vNodes,
    write,
    ...(m.layer === 0 ? biasNodes(m.presentKey, elem) : []),
    // Q [B, H, S, D] → [B, kv, S·G, D]: the group's query heads become rows of one product.
    n('Transpose', [m.q], `${p}_q_bshd`, perm([0, 2, 1, 3])),
    n('Reshape', [`${p}_q_bshd`, x('bsgroup_shape')], `${p}_q_bskgd`),
    n('Transpose', [`${p}_q_bskgd`], `${p}_q_bksgd`, perm([0, 2, 1, 3, 4])),
    n('Reshape', [`${p}_q_bksgd`, x('rows_shape')], `${p}_q_rows`),
    n('FusedMatMul', [`${p}_q_rows`, m.presentKey], `${p}_scores`, [intAttribute('transB', 1), floatAttribute('alpha', m.scale)], 'com.microsoft'),
    n('Reshape', [`${p}_scores`, x('scores5_shape')], `${p}_scores5`),
    n('Add', [`${p}_scores5`, x('bias')], `${p}_masked`),
    n('Softmax', [`${p}_masked`], `${p}_probs5`, [intAttribute('axis', -1)]),
    n('Reshape', [`${p}_probs5`, x('scores4_shape')], `${p}_probs`),
    n('MatMul', [`${p}_probs`, m.presentValue], `${p}_ctx_rows`),
    n('Reshape', [`${p}_ctx_rows`, x('ctx5_shape')], `${p}_ctx5`),
    n('Transpose', [`${p}_ctx5`], `${p}_ctx_bskgd`, perm([0, 2, 1, 3, 4])),
    n('Reshape', [`${p}_ctx_bskgd`, x('q_shape')], m.output),
  ];
}

/**
 * 'rows': the past K/V are read-only inputs (a caller-held buffer whose first past-length rows are
 * valid) and present.* are only this run's new rows. Per K/V head, the group's query heads are the
 * rows of one product: scores = [Q·pastᵀ + past bias | Q·newᵀ + causal bias], softmax, then
 * P_past·past_v + P_new·new_v. Nothing copies or transposes the cache.
 */
export function rowsNodes(m: AttentionMatch): Uint8Array[] {
  const p = `${PREFIX}_${m.layer}`;
  const x = (s: string) => `${PREFIX}_${s}`;
  const scores = (keys: string, out: string) => n('FusedMatMul', [`${p}_q_rows`, keys], out, [intAttribute('transB', 1), floatAttribute('alpha', m.scale)], 'com.microsoft');
  return [
    n('Identity', [m.k], m.presentKey),
    n('Identity', [m.v], m.presentValue),
    // Q [B, H, S, D] is [B, kv, G·S, D] in memory (heads of one K/V head are adjacent): rows (g, s).
    n('Reshape', [m.q, x('rows_shape')], `${p}_q_rows`),
    scores(m.pastKey, `${p}_past_scores`),
    scores(m.k, `${p}_new_scores`),
    n('Add', [`${p}_past_scores`, x('past_bias')], `${p}_past_masked`),
    n('Add', [`${p}_new_scores`, x('new_bias')], `${p}_new_masked`),
    n('Concat', [`${p}_past_masked`, `${p}_new_masked`], `${p}_masked`, [intAttribute('axis', -1)]),
    n('Softmax', [`${p}_masked`], `${p}_probs`, [intAttribute('axis', -1)]),
    nodeBytes('Split', [`${p}_probs`, x('split')], [`${p}_past_probs`, `${p}_new_probs`], `${p}_split_node`, [intAttribute('axis', -1)]),
    n('MatMul', [`${p}_past_probs`, m.pastValue], `${p}_past_ctx`),
    n('MatMul', [`${p}_new_probs`, m.v], `${p}_new_ctx`),
    n('Add', [`${p}_past_ctx`, `${p}_new_ctx`], `${p}_ctx`),
    // [B, kv, G·S, D] = [B, H, S, D] → [B, S, H·D]
    n('Reshape', [`${p}_ctx`, x('heads_shape')], `${p}_ctx_heads`),
    n('Transpose', [`${p}_ctx_heads`], `${p}_ctx_bshd`, [intsAttribute('perm', [0, 2, 1, 3])]),
    n('Reshape', [`${p}_ctx_bshd`, x('q_shape')], m.output),
  ];
}

/**
 * Computed once from the inputs, before the first layer: past_bias [rows] (0 below the past length
 * = attention_mask's length − new rows, −1e4 on the buffer's unused rows), new_bias [G·S, S]
 * (causal among the new rows, tiled over the G query heads of a group), and the [rows, S] split.
 */
export function rowsBiasNodes(m: AttentionMatch, elem: number): Uint8Array[] {
  const x = (s: string) => `${PREFIX}_${s}`;
  return [
    n('Shape', ['attention_mask'], x('mask_shape')),
    n('Gather', [x('mask_shape'), x('one')], x('total'), [intAttribute('axis', 0)]),
    n('Shape', ['inputs_embeds'], x('embeds_shape')),
    n('Gather', [x('embeds_shape'), x('one')], x('new_rows')),
    n('Sub', [x('total'), x('new_rows')], x('past_rows')),
    n('Shape', [m.pastKey], x('buffer_shape')),
    n('Gather', [x('buffer_shape'), x('two')], x('buffer_rows')),
    n('Range', [x('zero'), x('buffer_rows'), x('one')], x('buffer_index')),
    n('Less', [x('buffer_index'), x('past_rows')], x('past_valid')),
    n('Where', [x('past_valid'), x('bias_zero'), x('bias_hidden')], x('past_bias_f32')),
    n('Cast', [x('past_bias_f32')], x('past_bias'), [intAttribute('to', elem)]),
    n('Range', [x('zero'), x('new_rows'), x('one')], x('new_index')),
    n('Unsqueeze', [x('new_index'), x('shape1')], x('new_column')),
    n('LessOrEqual', [x('new_index'), x('new_column')], x('causal')),
    n('Where', [x('causal'), x('bias_zero'), x('bias_hidden')], x('causal_f32')),
    n('Tile', [x('causal_f32'), x('group_repeats')], x('new_bias_f32')),
    n('Cast', [x('new_bias_f32')], x('new_bias'), [intAttribute('to', elem)]),
    n('Reshape', [x('buffer_rows'), x('shape1')], x('buffer_rows_1')),
    n('Reshape', [x('new_rows'), x('shape1')], x('new_rows_1')),
    n('Concat', [x('buffer_rows_1'), x('new_rows_1')], x('split'), [intAttribute('axis', 0)]),
  ];
}
