import type { Attribute } from './onnx-wire';
import { firstString, forEachField, payloads, readAttribute, readVarint, strings, TEXT, tensorValues } from './onnx-wire';

/** One node of a graph as rewrites see it: its bytes, wiring, op and attributes. */
export interface GraphNode {
  index: number;
  bytes: Uint8Array;
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, Attribute>;
}

/** A top-level graph indexed for pattern matching (node bytes are views, nothing is copied). */
export class OnnxGraph {
  readonly nodes: GraphNode[] = [];
  readonly producer = new Map<string, GraphNode>();
  readonly consumers = new Map<string, GraphNode[]>();
  readonly inputs = new Map<string, Uint8Array>();
  readonly outputs = new Set<string>();
  private readonly initializers = new Map<string, Uint8Array>();

  constructor(readonly bytes: Uint8Array) {
    forEachField(bytes, (f, wire, start, end) => {
      if (wire !== 2) return;
      const p = bytes.subarray(start, end);
      if (f === 1) this.addNode(p);
      else if (f === 5) this.initializers.set(firstString(p, 8), p);
      else if (f === 11) this.inputs.set(firstString(p, 1), p);
      else if (f === 12) this.outputs.add(firstString(p, 1));
    });
  }

  private addNode(bytes: Uint8Array): void {
    const node: GraphNode = {
      index: this.nodes.length,
      bytes,
      op: firstString(bytes, 4),
      domain: firstString(bytes, 7),
      inputs: strings(bytes, 1),
      outputs: strings(bytes, 2),
      attrs: new Map(payloads(bytes, 5).map(readAttribute)),
    };
    this.nodes.push(node);
    for (const o of node.outputs) this.producer.set(o, node);
    for (const i of node.inputs) this.consumers.set(i, [...(this.consumers.get(i) ?? []), node]);
  }

  /** The one node that reads `name` (graph outputs aside), or undefined when none or several do. */
  soleConsumer(name: string): GraphNode | undefined {
    const readers = this.consumers.get(name) ?? [];
    return readers.length === 1 ? readers[0] : undefined;
  }

  /** Values of a small constant: an initializer, a Constant node, or a Cast / Identity of one. */
  constant(name: string): number[] | undefined {
    const init = this.initializers.get(name);
    if (init) return init.length <= 4096 ? tensorValues(init)?.values : undefined;
    const node = this.producer.get(name);
    if (!node || node.domain !== '') return undefined;
    if (node.op === 'Constant') {
      const t = node.attrs.get('value')?.t;
      return t ? tensorValues(t)?.values : undefined;
    }
    if (node.op === 'Cast' || node.op === 'Identity') return this.constant(node.inputs[0] ?? '');
    return undefined;
  }

  /** Whether `name` is computed from the graph input `input` (walks producers). */
  dependsOn(name: string, input: string, seen = new Set<string>()): boolean {
    if (name === input) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return (this.producer.get(name)?.inputs ?? []).some((i) => i !== '' && this.dependsOn(i, input, seen));
  }
}

/** Shape of a value-info's tensor type as dims: numbers, parameter names, or '' when unknown. */
export function valueInfoDims(valueInfo: Uint8Array): Array<number | string> {
  const type = payloads(valueInfo, 2)[0];
  const tensor = type && payloads(type, 1)[0];
  const shape = tensor && payloads(tensor, 2)[0];
  if (!shape) return [];
  return payloads(shape, 1).map((d) => {
    let dim: number | string = '';
    forEachField(d, (f, wire, start, end) => {
      if (f === 1 && wire === 0) dim = readVarint(d, start)[0];
      else if (f === 2 && wire === 2) dim = TEXT.decode(d.subarray(start, end));
    });
    return dim;
  });
}

/** Element type code of a value-info's tensor type (1 float, 10 float16, 7 int64 …), 0 if unknown. */
export function valueInfoElemType(valueInfo: Uint8Array): number {
  const type = payloads(valueInfo, 2)[0];
  const tensor = type && payloads(type, 1)[0];
  let elem = 0;
  if (tensor) forEachField(tensor, (f, wire, start) => {
    if (f === 1 && wire === 0) elem = readVarint(tensor, start)[0];
  });
  return elem;
}
