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

const DECODER = new TextDecoder();
const ENCODER = new TextEncoder();
const TEXT = { decode: (b: Uint8Array): string => DECODER.decode(b), encode: (s: string): Uint8Array => ENCODER.encode(s) };

/**
 * Re-emits a message: for each length-delimited field, `change` returns new payload bytes,
 * null to drop the field, or undefined to keep it as it is. Other fields are copied raw.
 */
function rewriteFields(message: Uint8Array, change: (field: number, payload: Uint8Array) => Uint8Array | null | undefined): Uint8Array {
  const parts: Uint8Array[] = [];
  let changed = false;
  let copyFrom = 0;
  forEachField(message, (f, wire, start, end, fieldStart) => {
    if (wire !== 2) return;
    const next = change(f, message.subarray(start, end));
    if (next === undefined) return;
    changed = true;
    parts.push(message.subarray(copyFrom, fieldStart));
    if (next !== null) parts.push(field(f, next));
    copyFrom = end;
  });
  if (!changed) return message;
  parts.push(message.subarray(copyFrom));
  return concat(parts);
}

type Visitor = (field: number, wire: number, start: number, end: number, fieldStart: number) => void;

function forEachField(b: Uint8Array, visit: Visitor): void {
  let pos = 0;
  while (pos < b.length) {
    const fieldStart = pos;
    const [tag, afterTag] = readVarint(b, pos);
    const f = Math.floor(tag / 8);
    const wire = tag % 8;
    pos = afterTag;
    let start = pos;
    if (wire === 0) pos = readVarint(b, pos)[1];
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, afterLen] = readVarint(b, pos);
      start = afterLen;
      pos = afterLen + len;
    } else throw new Error(`corrupt ONNX protobuf (wire type ${wire})`);
    if (pos > b.length) throw new Error('truncated ONNX protobuf');
    visit(f, wire, start, pos, fieldStart);
  }
}

function readVarint(b: Uint8Array, pos: number): [number, number] {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10 && pos + i < b.length; i++) {
    const byte = b[pos + i]!;
    result += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return [result, pos + i + 1];
    scale *= 128;
  }
  throw new Error('corrupt ONNX protobuf (varint)');
}

function varint(n: number): Uint8Array {
  const bytes: number[] = [];
  while (n >= 128) {
    bytes.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  bytes.push(n);
  return Uint8Array.from(bytes);
}

const field = (f: number, payload: Uint8Array) => concat([varint(f * 8 + 2), varint(payload.length), payload]);
const varintField = (f: number, value: number) => concat([varint(f * 8), varint(value)]);

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
