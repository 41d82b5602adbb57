import { ELEM_TYPE_CODE, onnx } from './proto';
import type { ElemType, IAttributeProto, INodeProto, ITensorProto, IValueInfoProto, OnnxModel } from './proto';

export type Dim = number | string;

export interface Initializer {
  name: string;
  elemType: 'float32' | 'float16' | 'int64' | 'uint8' | 'int8';
  dims: number[];
  /** Raw little-endian bytes. */
  bytes: Uint8Array;
}

type AttrValue = number | number[] | string | ITensorProto | { floats: number[] } | { float: number };

/**
 * A tiny helper for writing ONNX graphs by hand: names values, keeps initializers as raw
 * bytes (so they can be moved to external data later) and emits a ModelProto.
 */
export class GraphBuilder {
  private readonly nodes: INodeProto[] = [];
  readonly initializers: Initializer[] = [];
  private readonly inputs: IValueInfoProto[] = [];
  private readonly outputs: IValueInfoProto[] = [];
  private counter = 0;
  /** Initializers whose bytes were already streamed to an external data file (full-size stand-ins). */
  private readonly externalInits: ITensorProto[] = [];
  /** Extra operator domains used (e.g. com.microsoft for MatMulNBits). */
  private readonly domains = new Set<string>();

  constructor(private readonly name: string) {}

  input(name: string, elemType: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: ElemType, dims: Dim[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  private fresh(hint: string): string {
    this.counter += 1;
    return `${hint}_${this.counter}`;
  }

  /** Adds a node; returns the name of its (first) output. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputName?: string, domain = ''): string {
    const out = outputName ?? this.fresh(opType.toLowerCase());
    if (domain) this.domains.add(domain);
    this.nodes.push({
      opType,
      domain,
      name: this.fresh(`n_${opType}`),
      input: inputs,
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  floats(name: string, dims: number[], values: Float32Array): string {
    this.initializers.push({
      name,
      elemType: 'float32',
      dims,
      bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice(),
    });
    return name;
  }

  raw(name: string, elemType: Initializer['elemType'], dims: number[], bytes: Uint8Array): string {
    this.initializers.push({ name, elemType, dims, bytes });
    return name;
  }

  /** An initializer whose bytes already lie in `location` at `offset` (written there by the caller). */
  external(name: string, elemType: Initializer['elemType'], dims: number[], ref: { location: string; offset: number; length: number }): string {
    this.externalInits.push({
      name,
      dims,
      dataType: ELEM_TYPE_CODE[elemType],
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: ref.location },
        { key: 'offset', value: String(ref.offset) },
        { key: 'length', value: String(ref.length) },
      ],
    });
    return name;
  }

  ints(name: string, values: number[], dims: number[] = [values.length]): string {
    const data = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, elemType: 'int64', dims, bytes: new Uint8Array(data.buffer) });
    return name;
  }

  scalar(name: string, value: number): string {
    return this.floats(name, [], Float32Array.of(value));
  }

  /** Emits the model; `external` maps initializer name → [location, offset] for external data. */
  toModel(external: Map<string, { location: string; offset: number }> = new Map()): OnnxModel {
    const initializer = this.initializers.map((init) => {
      const ext = external.get(init.name);
      const t: ITensorProto = { name: init.name, dims: init.dims, dataType: ELEM_TYPE_CODE[init.elemType] };
      if (ext) {
        t.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
        t.externalData = [
          { key: 'location', value: ext.location },
          { key: 'offset', value: String(ext.offset) },
          { key: 'length', value: String(init.bytes.byteLength) },
        ];
      } else {
        t.rawData = init.bytes;
      }
      return t;
    });
    return onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'loupe-stand-in',
      producerVersion: '1',
      opsetImport: [{ domain: '', version: 17 }, ...[...this.domains].map((domain) => ({ domain, version: 1 }))],
      graph: { name: this.name, node: this.nodes, initializer: [...initializer, ...this.externalInits], input: this.inputs, output: this.outputs },
    });
  }
}

function valueInfo(name: string, elemType: ElemType, dims: Dim[]): IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM_TYPE_CODE[elemType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attribute(name: string, v: AttrValue): IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') return Number.isInteger(v) ? { name, type: T.INT, i: v } : { name, type: T.FLOAT, f: v };
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  return { name, type: T.TENSOR, t: v };
}
