/**
 * Sets `accuracy_level` on every com.microsoft MatMulNBits node of an ONNX model held in memory.
 * Level 4 lets onnxruntime's CPU kernel quantise the activations to int8 per block and use int8
 * dot products (VNNI), as llama.cpp does for its Q4_0 × Q8_0 products; the exports leave it unset
 * (0 = compute in the activation type, fp32). The session option
 * `session.qdq_matmulnbits_accuracy_level` only applies to nodes ORT fuses itself, not to nodes
 * already in the file, hence this rewrite at load.
 *
 * It works on the protobuf wire format, copying every field it does not change byte for byte, so
 * initializers are never decoded: ModelProto.graph (7) → GraphProto.node (1) → NodeProto
 * (op_type 4, domain 7, attribute 5), and into node attributes that hold subgraphs (g 6, graphs 11).
 */

import { concat, field, forEachField, rewriteFields, TEXT, varintField } from './onnx-wire';

export interface AccuracyRewrite {
  model: Uint8Array;
  /** MatMulNBits nodes whose accuracy_level was set. */
  nodes: number;
}

const OP = 'MatMulNBits';
const ATTRIBUTE = 'accuracy_level';
const ATTRIBUTE_TYPE_INT = 2;

export function setMatMulNBitsAccuracy(model: Uint8Array, level: number): AccuracyRewrite {
  const count = { nodes: 0 };
  const out = rewriteFields(model, (field, payload) => (field === 7 ? rewriteGraph(payload, level, count) : undefined));
  return { model: count.nodes > 0 ? out : model, nodes: count.nodes };
}

function rewriteGraph(graph: Uint8Array, level: number, count: { nodes: number }): Uint8Array {
  return rewriteFields(graph, (field, payload) => (field === 1 ? rewriteNode(payload, level, count) : undefined));
}

function rewriteNode(node: Uint8Array, level: number, count: { nodes: number }): Uint8Array {
  let opType = '';
  let domain = '';
  forEachField(node, (field, wire, start, end) => {
    if (wire !== 2) return;
    if (field === 4) opType = TEXT.decode(node.subarray(start, end));
    else if (field === 7) domain = TEXT.decode(node.subarray(start, end));
  });
  const target = opType === OP && domain === 'com.microsoft';
  const rewritten = rewriteFields(node, (field, payload) => {
    if (field !== 5) return undefined;
    if (target && attributeName(payload) === ATTRIBUTE) return null;
    return rewriteFields(payload, (f, p) => (f === 6 || f === 11 ? rewriteGraph(p, level, count) : undefined));
  });
  if (!target) return rewritten;
  count.nodes++;
  const attribute = concat([field(1, TEXT.encode(ATTRIBUTE)), varintField(3, level), varintField(20, ATTRIBUTE_TYPE_INT)]);
  return concat([rewritten, field(5, attribute)]);
}

function attributeName(attribute: Uint8Array): string {
  let name = '';
  forEachField(attribute, (f, wire, start, end) => {
    if (f === 1 && wire === 2) name = TEXT.decode(attribute.subarray(start, end));
  });
  return name;
}
