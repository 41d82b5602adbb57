import type { AttentionMatch } from './gqa-pattern';
import { floatAttribute, floatInitializer, int64Initializer, intAttribute, intsAttribute, nodeBytes } from './onnx-wire';

/**
 * The nodes that replace one layer's attention (gqa-rewrite.ts), in the 'rows' KV form
 * (kv-form.ts): the past K/V are read-only inputs (a caller-held buffer whose first past-length
 * rows are valid) and present.* are only this run's new rows. Per K/V head, the group's query
 * heads are the rows of one product (each K/V row read once, not once per query head):
 * scores = [Q·pastᵀ + past bias | Q·newᵀ + causal bias], softmax, P_past·past_v + P_new·new_v.
 * Nothing concatenates, transposes or outputs the cache.
 */

export const PREFIX = 'loupe_gqa';
const x = (s: string) => `${PREFIX}_${s}`;
const n = (op: string, inputs: string[], output: string, attributes: Uint8Array[] = [], domain = '') => nodeBytes(op, inputs, [output], `${output}_node`, attributes, domain);

export function initializers(m: AttentionMatch): Uint8Array[] {
  return [
    int64Initializer(x('one'), [], [1]),
    int64Initializer(x('zero'), [], [0]),
    int64Initializer(x('two'), [], [2]),
    int64Initializer(x('shape1'), [1], [1]),
    int64Initializer(x('q_shape'), [3], [0, 0, m.heads * m.headDim]),
    int64Initializer(x('rows_shape'), [4], [0, m.kvHeads, -1, m.headDim]),
    int64Initializer(x('heads_shape'), [4], [0, m.heads, -1, m.headDim]),
    int64Initializer(x('group_repeats'), [2], [m.heads / m.kvHeads, 1]),
    floatInitializer(x('bias_zero'), [], [0]),
    floatInitializer(x('bias_hidden'), [], [-1e4]),
  ];
}

/**
 * Computed once from the inputs, before the first layer: past_bias [buffer rows] (0 below the past
 * length = attention_mask's length − new rows, −1e4 on the buffer's unused rows), new_bias [G·S, S]
 * (causal among the new rows, tiled over a group's G query heads, in the KV type), and split
 * [buffer rows, S].
 */
export function biasNodes(m: AttentionMatch, elem: number): Uint8Array[] {
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

export function attentionNodes(m: AttentionMatch): Uint8Array[] {
  const p = `${PREFIX}_${m.layer}`;
  const scores = (keys: string, out: string) => n('FusedMatMul', [`${p}_q_rows`, keys], out, [intAttribute('transB', 1), floatAttribute('alpha', m.scale)], 'com.microsoft');
  return [
    n('Identity', [m.k], m.presentKey),
    n('Identity', [m.v], m.presentValue),
    // Q [B, H, S, D] is [B, kv, G·S, D] in memory (the query heads of one K/V head are adjacent): rows (g, s).
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
