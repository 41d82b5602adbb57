/**
 * ONNX protobuf at the wire level, for rewrites of a model held in memory: fields are read and
 * re-emitted without decoding what a rewrite does not touch (initializers are copied byte for byte).
 * Field numbers: ModelProto graph 7, opset_import 8 · GraphProto node 1, initializer 5, input 11,
 * output 12 · NodeProto input 1, output 2, name 3, op_type 4, attribute 5, domain 7 ·
 * AttributeProto name 1, f 2, i 3, t 5, g 6, ints 8, graphs 11, type 20 · TensorProto dims 1,
 * data_type 2, float_data 4, int64_data 7, name 8, raw_data 9.
 */

type Visitor = (field: number, wire: number, start: number, end: number, fieldStart: number) => void;

export function forEachField(b: Uint8Array, visit: Visitor): void {
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

export function readVarint(b: Uint8Array, pos: number): [number, number] {
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

/** An int64 varint as a signed number (negative values are ten-byte two's complement). */
export function readInt64(b: Uint8Array, pos: number): [number, number] {
  let result = 0n;
  for (let i = 0; i < 10 && pos + i < b.length; i++) {
    const byte = b[pos + i]!;
    result |= BigInt(byte & 0x7f) << BigInt(7 * i);
    if ((byte & 0x80) === 0) return [Number(BigInt.asIntN(64, result)), pos + i + 1];
  }
  throw new Error('corrupt ONNX protobuf (varint)');
}

export function varint(n: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(n));
  const bytes: number[] = [];
  while (v >= 128n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Uint8Array.from(bytes);
}

export const field = (f: number, payload: Uint8Array): Uint8Array => concat([varint(f * 8 + 2), varint(payload.length), payload]);
export const varintField = (f: number, value: number): Uint8Array => concat([varint(f * 8), varint(value)]);
export const stringField = (f: number, s: string): Uint8Array => field(f, TEXT.encode(s));

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const DECODER = new TextDecoder();
const ENCODER = new TextEncoder();
export const TEXT = { decode: (b: Uint8Array): string => DECODER.decode(b), encode: (s: string): Uint8Array => ENCODER.encode(s) };

/**
 * Re-emits a message: for each length-delimited field, `change` returns new payload bytes,
 * null to drop the field, or undefined to keep it as it is. Other fields are copied raw.
 */
export function rewriteFields(message: Uint8Array, change: (field: number, payload: Uint8Array) => Uint8Array | null | undefined): Uint8Array {
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

/** The payloads of one length-delimited field, in order. */
export function payloads(message: Uint8Array, f: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  forEachField(message, (n, wire, start, end) => {
    if (n === f && wire === 2) out.push(message.subarray(start, end));
  });
  return out;
}

export const strings = (message: Uint8Array, f: number): string[] => payloads(message, f).map((p) => TEXT.decode(p));
export const firstString = (message: Uint8Array, f: number): string => strings(message, f)[0] ?? '';

/** An attribute as far as rewrites read them: ints, one int, one float, a tensor. */
export interface Attribute {
  i?: number;
  f?: number;
  ints: number[];
  t?: Uint8Array;
}

export function readAttribute(a: Uint8Array): [string, Attribute] {
  const out: Attribute = { ints: [] };
  let name = '';
  forEachField(a, (f, wire, start, end) => {
    if (f === 1 && wire === 2) name = TEXT.decode(a.subarray(start, end));
    else if (f === 2 && wire === 5) out.f = new DataView(a.buffer, a.byteOffset + start, 4).getFloat32(0, true);
    else if (f === 3 && wire === 0) out.i = readInt64(a, start)[0];
    else if (f === 5 && wire === 2) out.t = a.subarray(start, end);
    else if (f === 8 && wire === 0) out.ints.push(readInt64(a, start)[0]);
    else if (f === 8 && wire === 2) for (let p = start; p < end; ) [out.ints[out.ints.length], p] = readInt64(a, p);
  });
  return [name, out];
}

/** Small constant tensors (shapes, scalars): their values as numbers, or undefined when not int64/float. */
export function tensorValues(t: Uint8Array): { name: string; values: number[] } | undefined {
  let name = '';
  let type = 0;
  let raw: Uint8Array | undefined;
  const listed: number[] = [];
  forEachField(t, (f, wire, start, end) => {
    if (f === 8 && wire === 2) name = TEXT.decode(t.subarray(start, end));
    else if (f === 2 && wire === 0) type = readVarint(t, start)[0];
    else if (f === 9 && wire === 2) raw = t.subarray(start, end);
    else if (f === 7 && wire === 0) listed.push(readInt64(t, start)[0]);
    else if (f === 7 && wire === 2) for (let p = start; p < end; ) [listed[listed.length], p] = readInt64(t, p);
    else if (f === 4 && wire === 5) listed.push(new DataView(t.buffer, t.byteOffset + start, 4).getFloat32(0, true));
    else if (f === 4 && wire === 2) for (let p = start; p < end; p += 4) listed.push(new DataView(t.buffer, t.byteOffset + p, 4).getFloat32(0, true));
  });
  if (type !== 1 && type !== 7) return undefined;
  if (!raw) return { name, values: listed };
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const width = type === 7 ? 8 : 4;
  const values = Array.from({ length: Math.floor(raw.byteLength / width) }, (_, k) => (type === 7 ? Number(view.getBigInt64(k * width, true)) : view.getFloat32(k * width, true)));
  return { name, values };
}

export const intAttribute = (name: string, value: number): Uint8Array => concat([stringField(1, name), varintField(3, value), varintField(20, 2)]);

export function floatAttribute(name: string, value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setFloat32(0, value, true);
  return concat([stringField(1, name), varint(2 * 8 + 5), bytes, varintField(20, 1)]);
}

export const intsAttribute = (name: string, values: number[]): Uint8Array => concat([stringField(1, name), ...values.map((v) => concat([varint(8 * 8), varint(v)])), varintField(20, 7)]);

export function nodeBytes(opType: string, inputs: string[], outputs: string[], name: string, attributes: Uint8Array[] = [], domain = ''): Uint8Array {
  return concat([...inputs.map((i) => stringField(1, i)), ...outputs.map((o) => stringField(2, o)), stringField(3, name), stringField(4, opType), ...attributes.map((a) => field(5, a)), ...(domain ? [stringField(7, domain)] : [])]);
}

export function int64Initializer(name: string, dims: number[], values: number[]): Uint8Array {
  const raw = new Uint8Array(8 * values.length);
  const view = new DataView(raw.buffer);
  values.forEach((v, k) => view.setBigInt64(8 * k, BigInt(v), true));
  return concat([...dims.map((d) => concat([varint(8), varint(d)])), varintField(2, 7), stringField(8, name), field(9, raw)]);
}

export function floatInitializer(name: string, dims: number[], values: number[]): Uint8Array {
  const raw = new Uint8Array(4 * values.length);
  const view = new DataView(raw.buffer);
  values.forEach((v, k) => view.setFloat32(4 * k, v, true));
  return concat([...dims.map((d) => concat([varint(8), varint(d)])), varintField(2, 1), stringField(8, name), field(9, raw)]);
}
