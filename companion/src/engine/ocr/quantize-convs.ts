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
  const activation = (name: string) => {
    let q = activationQdq.get(name);
    if (!q) {
      const [lo, hi] = ranges[name]!;
      const [min, max] = [Math.min(0, lo), Math.max(0, hi)];
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
  graph.node = nodes;
  return onnx.ModelProto.encode(model).finish();
}
