import type { GraphNode, OnnxGraph } from './onnx-graph';
import { valueInfoDims } from './onnx-graph';

/**
 * Finds one decoder layer's attention in the form the transformers.js-contract stand-in writes
 * (models/src/standin/full/decoder.ts), strictly, op by op:
 *
 *   present.i.key   = Concat(past_key_values.i.key,   K, axis 2)      K, V, Q: [B, heads, S, D], already rotated
 *   present.i.value = Concat(past_key_values.i.value, V, axis 2)
 *   scores = MatMul(Reshape(Q, [0, kv, G, -1, D]), Unsqueeze(Transpose(present.i.key, 0 1 3 2), 2))
 *   probs  = Softmax(Add(Mul(scores, scale), bias), -1)              bias computed from attention_mask
 *   out    = Reshape(Transpose(Reshape(MatMul(probs, Unsqueeze(present.i.value, 2)), [0, heads, -1, D]), 0 2 1 3), [0, 0, heads·D])
 *
 * Every intermediate must be read only inside the pattern. Anything else (another export's
 * attention, casts around the cache, an If-merged decoder) returns the reason it does not match.
 */

export interface AttentionMatch {
  layer: number;
  /** Rotated Q, and the new K and V, each [B, heads, S, D]. */
  q: string;
  k: string;
  v: string;
  pastKey: string;
  pastValue: string;
  presentKey: string;
  presentValue: string;
  /** The attention output [B, S, heads·D]; the new nodes take over its name. */
  output: string;
  heads: number;
  kvHeads: number;
  headDim: number;
  scale: number;
  /** Nodes the new ones replace; the last one in graph order is where they go. */
  replaced: GraphNode[];
}

class Mismatch extends Error {}

const same = (a: readonly number[] | undefined, b: readonly number[]) => a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);

export function matchAttention(g: OnnxGraph, layer: number): AttentionMatch | string {
  try {
    return match(g, layer);
  } catch (error) {
    if (error instanceof Mismatch) return `layer ${layer}: ${error.message}`;
    throw error;
  }
}

function match(g: OnnxGraph, layer: number): AttentionMatch {
  const need = <T>(value: T | undefined | false, what: string): T => {
    if (value === undefined || value === false) throw new Mismatch(what);
    return value;
  };
  const pastKey = `past_key_values.${layer}.key`;
  const pastValue = `past_key_values.${layer}.value`;
  const presentKey = `present.${layer}.key`;
  const presentValue = `present.${layer}.value`;
  const pastDims = valueInfoDims(need(g.inputs.get(pastKey), `no input ${pastKey}`));
  const [, kvHeads, , headDim] = pastDims;
  need(pastDims.length === 4 && typeof kvHeads === 'number' && typeof headDim === 'number', `${pastKey} is not [batch, <kv heads>, past, <head dim>]`);
  const kv = kvHeads as number;
  const d = headDim as number;
  need(g.outputs.has(presentKey) && g.outputs.has(presentValue), `${presentKey} / ${presentValue} are not graph outputs`);

  const op = (node: GraphNode | undefined, type: string, what: string): GraphNode => {
    const n = need(node, `${what}: not found or read more than once`);
    need(n.op === type && n.domain === '', `${what} is ${n.op || 'missing'}, expected ${type}`);
    return n;
  };
  const concat = (present: string, past: string) => {
    const c = op(g.producer.get(present), 'Concat', `${present} producer`);
    need(c.inputs.length === 2 && c.inputs[0] === past && c.outputs.length === 1, `${present} is not Concat(${past}, new)`);
    need([2, -2].includes(c.attrs.get('axis')?.i ?? NaN), `${present} Concat axis is not 2`);
    return c;
  };
  const unsqueezeAxes = (n: GraphNode) => n.attrs.get('axes')?.ints ?? g.constant(n.inputs[1] ?? '');

  const ck = concat(presentKey, pastKey);
  const cv = concat(presentValue, pastValue);
  const kt = op(g.soleConsumer(presentKey), 'Transpose', `${presentKey} reader`);
  need(same(kt.attrs.get('perm')?.ints, [0, 1, 3, 2]), 'K transpose perm is not 0 1 3 2');
  const ku = op(g.soleConsumer(kt.outputs[0]!), 'Unsqueeze', 'transposed K reader');
  need(same(unsqueezeAxes(ku), [2]), 'K unsqueeze axes are not [2]');
  const scores = op(g.soleConsumer(ku.outputs[0]!), 'MatMul', 'unsqueezed K reader');
  need(scores.inputs[1] === ku.outputs[0], 'K is not the right operand of the score MatMul');
  const qg = op(g.producer.get(scores.inputs[0]!), 'Reshape', 'score MatMul left operand');
  need(g.soleConsumer(qg.outputs[0]!) === scores, 'grouped Q is read elsewhere');
  const grouped = need(g.constant(qg.inputs[1] ?? ''), 'grouped Q shape is not a constant');
  need(grouped.length === 5 && grouped[0] === 0 && grouped[1] === kv && grouped[2]! > 0 && grouped[3] === -1 && grouped[4] === d, `grouped Q shape [${grouped.join(', ')}] is not [0, ${kv}, G, -1, ${d}]`);
  const heads = kv * grouped[2]!;

  const mul = op(g.soleConsumer(scores.outputs[0]!), 'Mul', 'score reader');
  const scaleName = mul.inputs[0] === scores.outputs[0] ? mul.inputs[1] : mul.inputs[0];
  const scaleValues = need(g.constant(scaleName ?? ''), 'score scale is not a constant');
  need(scaleValues.length === 1, 'score scale is not a scalar');
  const add = op(g.soleConsumer(mul.outputs[0]!), 'Add', 'scaled score reader');
  const bias = add.inputs[0] === mul.outputs[0] ? add.inputs[1] : add.inputs[0];
  need(bias !== undefined && g.dependsOn(bias, 'attention_mask'), 'the score bias is not computed from attention_mask');
  const softmax = op(g.soleConsumer(add.outputs[0]!), 'Softmax', 'masked score reader');
  need([-1, 4].includes(softmax.attrs.get('axis')?.i ?? NaN), 'Softmax is not over the last axis');
  const pv = op(g.soleConsumer(softmax.outputs[0]!), 'MatMul', 'probability reader');
  need(pv.inputs[0] === softmax.outputs[0], 'probabilities are not the left operand of the value MatMul');
  const vu = op(g.producer.get(pv.inputs[1]!), 'Unsqueeze', 'value MatMul right operand');
  need(vu.inputs[0] === presentValue && g.soleConsumer(presentValue) === vu && g.soleConsumer(vu.outputs[0]!) === pv, 'V is not Unsqueeze(present value) read once');
  need(same(unsqueezeAxes(vu), [2]), 'V unsqueeze axes are not [2]');
  const r1 = op(g.soleConsumer(pv.outputs[0]!), 'Reshape', 'context reader');
  need(same(g.constant(r1.inputs[1] ?? ''), [0, heads, -1, d]), `context reshape is not [0, ${heads}, -1, ${d}]`);
  const t1 = op(g.soleConsumer(r1.outputs[0]!), 'Transpose', 'ungrouped context reader');
  need(same(t1.attrs.get('perm')?.ints, [0, 2, 1, 3]), 'context transpose perm is not 0 2 1 3');
  const r2 = op(g.soleConsumer(t1.outputs[0]!), 'Reshape', 'transposed context reader');
  need(same(g.constant(r2.inputs[1] ?? ''), [0, 0, heads * d]), `merged context reshape is not [0, 0, ${heads * d}]`);

  return {
    layer,
    q: qg.inputs[0]!,
    k: ck.inputs[1]!,
    v: cv.inputs[1]!,
    pastKey,
    pastValue,
    presentKey,
    presentValue,
    output: r2.outputs[0]!,
    heads,
    kvHeads: kv,
    headDim: d,
    scale: scaleValues[0]!,
    replaced: [ck, cv, kt, ku, qg, scores, mul, add, softmax, vu, pv, r1, t1, r2],
  };
}
