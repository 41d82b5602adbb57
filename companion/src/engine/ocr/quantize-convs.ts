import { onnx, type INodeProto, type ITensorProto, type OnnxModel } from '@loupe/models/onnx/proto';
import { upgradeToOpset13 } from './opset13';

/** [min, max] an activation tensor took over the calibration crops, by tensor name. */
export type ActivationRanges = Readonly<Record<string, readonly [number, number]>>;

const DT = onnx.TensorProto.DataType;

/**
 * Rewrites each convolution whose input and output ranges are known into the QDQ form
 * (DequantizeLinear on int8 weights, int32 bias and uint8 activations, QuantizeLinear after),
 * which onnxruntime fuses into `QLinearConv` with its u8·s8 (AVX-512 VNNI) kernels:
 * - weights: symmetric int8 per output channel (scale = max |w| / 127);
 * - activations: asymmetric uint8 per tensor, from the static ranges (calibrated on the
 *   tuning corpus only, see eval/calibrate.ts);
 * - bias: int32 at scale x_scale · w_scale, as QLinearConv expects.
 * - an int8 convolution's x · HardSigmoid(x) after it becomes one HardSwish: onnxruntime cannot
 *   fuse the activation into QLinearConv, and two readers of the dequantised output would each
 *   get their own DequantizeLinear (same outputs, recogniser ×0.96 with every 1×1 convolution int8).
 * Convolutions `quantise` declines, or without both ranges, stay fp32 (sensitive layers). Returns
 * undefined, leaving the caller's fp32 model as it is, when the graph is not what the ranges
 * were calibrated on (a range names a tensor the graph lacks) or cannot be raised to opset 13.
 */
export function quantizeConvs(modelBytes: Uint8Array, ranges: ActivationRanges, quantise: (conv: INodeProto) => boolean = () => true): Uint8Array | undefined {
  const decoded: OnnxModel = onnx.ModelProto.decode(modelBytes);
  const graph = decoded.graph!;
  const tensors = new Set<string>(graph.input!.map((i) => i.name!));
  for (const n of graph.node!) for (const o of n.output ?? []) tensors.add(o);
  if (Object.keys(ranges).length === 0 || !Object.keys(ranges).every((name) => tensors.has(name))) return undefined;
  const model = upgradeToOpset13(decoded);
  if (!model) return undefined;

  const inits = new Map(graph.initializer!.map((t) => [t.name!, t]));
  const constants = new Map<string, ITensorProto>();
  for (const n of graph.node!) if (n.opType === 'Constant' && n.attribute?.[0]?.t) constants.set(n.output![0]!, n.attribute[0].t);
  const floatsOf = (name: string | undefined): { t: ITensorProto; v: Float32Array } | undefined => {
    const t = name ? (inits.get(name) ?? constants.get(name)) : undefined;
    if (!t || t.dataType !== DT.FLOAT) return undefined;
    const v = t.rawData?.length ? new Float32Array(new Uint8Array(t.rawData).buffer) : Float32Array.from(t.floatData ?? []);
    return { t, v };
  };
  const add = (t: ITensorProto) => {
    graph.initializer!.push(t);
    return t.name!;
  };
  const T = onnx.AttributeProto.AttributeType;
  const axis0 = [{ name: 'axis', type: T.INT, i: 0 }];

  // One QuantizeLinear → DequantizeLinear pair per activation tensor, shared by all its readers.
  const activationQdq = new Map<string, { scale: string; zeroPoint: string; scaleValue: number }>();
  const floors = hardSwishFloors(graph.node!, floatsOf);
  const activation = (name: string) => {
    let q = activationQdq.get(name);
    if (!q) {
      const [lo, hi] = ranges[name]!;
      const [min, max] = [Math.min(0, Math.max(lo, floors.get(name) ?? -Infinity)), Math.max(0, hi)];
      const scaleValue = Math.max(max - min, 1e-6) / 255;
      const zero = Math.max(0, Math.min(255, Math.round(-min / scaleValue)));
      q = {
        scaleValue,
        scale: add({ name: `${name}__scale`, dataType: DT.FLOAT, dims: [], floatData: [scaleValue] }),
        zeroPoint: add({ name: `${name}__zero`, dataType: DT.UINT8, dims: [], rawData: Uint8Array.of(zero) }),
      };
      activationQdq.set(name, q);
    }
    return q;
  };
  const qdq = (x: string, y: string, q: { scale: string; zeroPoint: string }): INodeProto[] => [
    { opType: 'QuantizeLinear', input: [x, q.scale, q.zeroPoint], output: [`${y}__q`] },
    { opType: 'DequantizeLinear', input: [`${y}__q`, q.scale, q.zeroPoint], output: [y] },
  ];

  const nodes: INodeProto[] = [];
  const dequantisedInputs = new Set<string>();
  for (const conv of graph.node!) {
    const [x, w, b] = conv.input ?? [];
    const y = conv.output?.[0];
    const weights = floatsOf(w);
    const dims = weights?.t.dims?.map(Number);
    if (conv.opType !== 'Conv' || !x || !y || !ranges[x] || !ranges[y] || !weights || dims?.length !== 4 || !quantise(conv)) {
      nodes.push(conv);
      continue;
    }
    const outChannels = dims[0]!;
    const perOut = weights.v.length / outChannels;
    const bias = b ? floatsOf(b)?.v : new Float32Array(outChannels);
    if (!bias || bias.length !== outChannels) {
      nodes.push(conv);
      continue;
    }
    const input = activation(x);
    const wScale = new Float32Array(outChannels);
    const wInt = new Int8Array(weights.v.length);
    const bInt = new Int32Array(outChannels);
    for (let o = 0; o < outChannels; o++) {
      let m = 0;
      for (let k = o * perOut; k < (o + 1) * perOut; k++) m = Math.max(m, Math.abs(weights.v[k]!));
      const s = m > 0 ? m / 127 : 1;
      wScale[o] = s;
      for (let k = o * perOut; k < (o + 1) * perOut; k++) wInt[k] = Math.round(weights.v[k]! / s);
      bInt[o] = Math.round(bias[o]! / (input.scaleValue * s));
    }
    const base = `${y}__int8`;
    const wq = add({ name: `${base}_w`, dataType: DT.INT8, dims, rawData: new Uint8Array(wInt.buffer) });
    const ws = add({ name: `${base}_w_scale`, dataType: DT.FLOAT, dims: [outChannels], rawData: new Uint8Array(wScale.buffer) });
    const wz = add({ name: `${base}_w_zero`, dataType: DT.INT8, dims: [outChannels], rawData: new Uint8Array(outChannels) });
    const bq = add({ name: `${base}_b`, dataType: DT.INT32, dims: [outChannels], rawData: new Uint8Array(bInt.buffer) });
    const bs = add({
      name: `${base}_b_scale`,
      dataType: DT.FLOAT,
      dims: [outChannels],
      rawData: new Uint8Array(wScale.map((s) => s * input.scaleValue).buffer),
    });
    const bz = add({ name: `${base}_b_zero`, dataType: DT.INT32, dims: [outChannels], rawData: new Uint8Array(outChannels * 4) });
    const xq = `${x}__dq`;
    if (!dequantisedInputs.has(x)) {
      nodes.push(...qdq(x, xq, input));
      dequantisedInputs.add(x);
    }
    nodes.push(
      { opType: 'DequantizeLinear', input: [wq, ws, wz], output: [`${base}_wf`], attribute: axis0 },
      { opType: 'DequantizeLinear', input: [bq, bs, bz], output: [`${base}_bf`], attribute: axis0 },
      { ...conv, input: [xq, `${base}_wf`, `${base}_bf`], output: [`${base}_y`] },
      ...qdq(`${base}_y`, y, activation(y)),
    );
  }
  graph.node = hardSwishAfterInt8(nodes);
  // HardSwish is opset 14; nothing else this graph uses changed meaning from 13 to 14.
  model.opsetImport!.find((o) => !o.domain)!.version = 14;
  return onnx.ModelProto.encode(model).finish();
}

/**
 * Tensors read only by a hard-swish (x · HardSigmoid(x)), with the input below which it is 0
 * (−β/α, −3): quantising such a tensor can clip its range there at no cost, which spends its
 * 256 levels on the part that changes the output (a convolution's output reaches −45 where
 * the hard-swish after it reads 0 from −3 down).
 */
function hardSwishFloors(nodes: readonly INodeProto[], floatsOf: (name: string | undefined) => { v: Float32Array } | undefined): Map<string, number> {
  const readers = new Map<string, INodeProto[]>();
  for (const n of nodes) for (const i of n.input ?? []) readers.set(i, [...(readers.get(i) ?? []), n]);
  const attr = (n: INodeProto, name: string, fallback: number) => n.attribute?.find((a) => a.name === name)?.f ?? fallback;
  const floors = new Map<string, number>();
  for (const [x, rs] of readers) {
    const sigmoid = rs.find((r) => r.opType === 'HardSigmoid');
    const product = sigmoid && rs.find((r) => r.opType === 'Mul' && r.input?.length === 2 && r.input.includes(x) && r.input.includes(sigmoid.output![0]!));
    const alpha = sigmoid ? attr(sigmoid, 'alpha', 0.2) : 0;
    if (rs.length !== 2 || !product || !(alpha > 0) || floatsOf(x)) continue;
    floors.set(x, -attr(sigmoid, 'beta', 0.5) / alpha);
  }
  return floors;
}

/** x · HardSigmoid(x; 1/6, 0.5) on a DequantizeLinear's output (an int8 convolution's) as one HardSwish (opset 14). */
function hardSwishAfterInt8(nodes: readonly INodeProto[]): INodeProto[] {
  const dequantised = new Set(nodes.filter((n) => n.opType === 'DequantizeLinear').map((n) => n.output![0]!));
  const attr = (n: INodeProto, name: string) => n.attribute?.find((a) => a.name === name)?.f;
  const out: INodeProto[] = [];
  const dropped = new Set<INodeProto>();
  for (const n of nodes) {
    const x = n.input?.[0];
    const isStandard = n.opType === 'HardSigmoid' && Math.abs((attr(n, 'alpha') ?? 0) - 1 / 6) < 1e-6 && Math.abs((attr(n, 'beta') ?? 0) - 0.5) < 1e-6;
    const product = isStandard && x && dequantised.has(x) ? nodes.find((m) => m.opType === 'Mul' && m.input?.length === 2 && m.input.includes(x) && m.input.includes(n.output![0]!)) : undefined;
    if (product) {
      dropped.add(product);
      out.push({ opType: 'HardSwish', name: `${n.name ?? x}__hardswish`, input: [x!], output: [product.output![0]!] });
    } else out.push(n);
  }
  return out.filter((n) => !dropped.has(n));
}
