import { onnx, type INodeProto, type OnnxModel } from '@loupe/models/onnx/proto';

/**
 * The Paddle → ONNX export of PP-OCRv4 spells every hard-swish as four element-wise ops
 * (x · clip(x + 3, 0, 6) / 6) and puts the learnable scalar affine (Mul, Add) with the
 * constant first, which keeps onnxruntime from fusing them into the convolutions. On CPU
 * those element-wise passes (and the layout reorders around them) cost more than the
 * convolutions. This rewrites the graph into an equivalent, faster form:
 * - hard-swish → x · HardSigmoid(x; α = 1/6, β = 0.5) (two ops, exact up to float rounding);
 * - commutative Mul/Add with a constant take the constant as their second input;
 * - Conv → Mul(scalar) → Add(scalar) is folded into the convolution's weights and bias.
 * Returns the serialised model for `InferenceSession.create(bytes)`.
 */
export function fuseActivations(modelBytes: Uint8Array): Uint8Array {
  const model: OnnxModel = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph!;
  const nodes = graph.node!;
  const constants = new Map<string, INodeProto>();
  for (const n of nodes) if (n.opType === 'Constant' && n.output?.length === 1) constants.set(n.output[0]!, n);
  const consumers = new Map<string, INodeProto[]>();
  for (const n of nodes) for (const i of n.input ?? []) consumers.set(i, [...(consumers.get(i) ?? []), n]);
  const graphOutputs = new Set(graph.output!.map((o) => o.name!));
  const only = (name: string): INodeProto | undefined => {
    const c = consumers.get(name);
    return c?.length === 1 && !graphOutputs.has(name) ? c[0] : undefined;
  };
  const scalar = (name: string | undefined): number | undefined => {
    const t = name ? constants.get(name)?.attribute?.[0]?.t : undefined;
    if (!t || t.dataType !== onnx.TensorProto.DataType.FLOAT || (t.dims ?? []).some((d) => Number(d) !== 1)) return undefined;
    if (t.floatData?.length === 1) return t.floatData[0];
    if (t.rawData?.length === 4) return new DataView(t.rawData.buffer, t.rawData.byteOffset, 4).getFloat32(0, true);
    return undefined;
  };
  const removed = new Set<INodeProto>();

  for (const n of nodes) {
    if ((n.opType === 'Mul' || n.opType === 'Add') && n.input?.length === 2 && constants.has(n.input[0]!) && !constants.has(n.input[1]!)) {
      n.input = [n.input[1]!, n.input[0]!];
    }
  }

  // Hard-swish: a = Add(x, 3); c = Clip(a, 0, 6); m = Mul(x, c) | Mul(c, x); y = Div(m, 6).
  for (const add of nodes) {
    if (add.opType !== 'Add' || scalar(add.input?.[1]) !== 3) continue;
    const x = add.input![0]!;
    const clip = only(add.output![0]!);
    if (clip?.opType !== 'Clip') continue;
    // Opset < 11 gives the bounds as attributes, later opsets as constant inputs.
    const bound = (k: 'min' | 'max', input: number) => (clip.input!.length > 1 ? scalar(clip.input![input]) : clip.attribute?.find((a) => a.name === k)?.f);
    if (bound('min', 1) !== 0 || bound('max', 2) !== 6) continue;
    const mul = only(clip.output![0]!);
    if (mul?.opType !== 'Mul' || !mul.input?.includes(x)) continue;
    const div = only(mul.output![0]!);
    if (div?.opType !== 'Div' || scalar(div.input?.[1]) !== 6) continue;
    const hs = `${div.output![0]!}__hardsigmoid`;
    Object.assign(add, {
      opType: 'HardSigmoid',
      input: [x],
      output: [hs],
      attribute: [
        { name: 'alpha', type: onnx.AttributeProto.AttributeType.FLOAT, f: 1 / 6 },
        { name: 'beta', type: onnx.AttributeProto.AttributeType.FLOAT, f: 0.5 },
      ],
    });
    Object.assign(mul, { input: [x, hs], output: div.output });
    removed.add(clip).add(div);
  }

  // Conv → Mul(s) → Add(b): scale the weights and bias by s, add b to the bias.
  const inits = new Map(graph.initializer!.map((t) => [t.name!, t]));
  const floatsOf = (name: string): Float32Array | undefined => {
    const t = constants.get(name)?.attribute?.[0]?.t ?? inits.get(name);
    if (!t || t.dataType !== onnx.TensorProto.DataType.FLOAT) return undefined;
    if (t.rawData?.length) return new Float32Array(new Uint8Array(t.rawData).buffer);
    return t.floatData?.length ? Float32Array.from(t.floatData) : undefined;
  };
  const setFloats = (name: string, values: Float32Array) => {
    const t = constants.get(name)?.attribute?.[0]?.t ?? inits.get(name)!;
    t.rawData = new Uint8Array(values.buffer);
    t.floatData = [];
  };
  /** A convolution's weights and bias (zeros when it has none), if no other node shares them. */
  const ownParams = (conv: INodeProto) => {
    const weightName = conv.input![1]!;
    const weights = floatsOf(weightName);
    // Weights shared with another node can't be rescaled for this one.
    if (!weights || consumers.get(weightName)?.length !== 1) return undefined;
    const outChannels = Number((constants.get(weightName)?.attribute?.[0]?.t ?? inits.get(weightName))!.dims![0]);
    const biasName = conv.input![2];
    const bias = biasName ? floatsOf(biasName) : new Float32Array(outChannels);
    if (!bias || bias.length !== outChannels || (biasName && consumers.get(biasName)?.length !== 1)) return undefined;
    return { weightName, weights, biasName, bias };
  };
  const storeParams = (conv: INodeProto, p: NonNullable<ReturnType<typeof ownParams>>) => {
    setFloats(p.weightName, p.weights);
    if (p.biasName) {
      setFloats(p.biasName, p.bias);
    } else {
      const name = `${conv.output![0]!}__bias`;
      graph.initializer!.push({ name, dataType: onnx.TensorProto.DataType.FLOAT, dims: [p.bias.length], rawData: new Uint8Array(p.bias.buffer) });
      conv.input = [...conv.input!, name];
    }
  };
  for (const conv of nodes) {
    if (conv.opType !== 'Conv' || (conv.input?.length ?? 0) < 2) continue;
    const mul = only(conv.output![0]!);
    const s = mul?.opType === 'Mul' ? scalar(mul.input?.[1]) : undefined;
    if (!mul || s === undefined) continue;
    const add = only(mul.output![0]!);
    const b = add?.opType === 'Add' ? scalar(add.input?.[1]) : undefined;
    const params = ownParams(conv);
    if (!params) continue;
    const { weights, bias } = params;
    for (let i = 0; i < weights.length; i++) weights[i]! *= s;
    for (let i = 0; i < bias.length; i++) bias[i] = bias[i]! * s + (b ?? 0);
    storeParams(conv, params);
    const last = b !== undefined ? add! : mul;
    conv.output = last.output;
    removed.add(mul);
    if (b !== undefined) removed.add(add!);
  }

  // Mul(s) → Add(b) → Conv without padding: every tap reads a real input, so
  // Conv(s·y + b) = Conv with weights s·W and bias + b·ΣW (per output channel).
  for (const mul of nodes) {
    if (removed.has(mul) || mul.opType !== 'Mul') continue;
    const s = scalar(mul.input?.[1]);
    const add = only(mul.output![0]!);
    const b = add?.opType === 'Add' ? scalar(add.input?.[1]) : undefined;
    if (s === undefined || !add || b === undefined || removed.has(add)) continue;
    const conv = only(add.output![0]!);
    const convInputs = conv?.input;
    if (conv?.opType !== 'Conv' || !convInputs || convInputs[0] !== add.output![0]) continue;
    const intAttr = (k: string) => conv.attribute?.find((a) => a.name === k);
    const pads = intAttr('pads')?.ints?.map(Number) ?? [];
    const autoPad = intAttr('auto_pad')?.s;
    if (pads.some((p) => p !== 0) || (autoPad?.length && new TextDecoder().decode(autoPad) !== 'NOTSET' && new TextDecoder().decode(autoPad) !== 'VALID')) continue;
    const params = ownParams(conv);
    if (!params) continue;
    const { weights, bias } = params;
    const perOut = weights.length / bias.length;
    for (let o = 0; o < bias.length; o++) {
      let sum = 0;
      for (let k = o * perOut; k < (o + 1) * perOut; k++) {
        sum += weights[k]!;
        weights[k]! *= s;
      }
      bias[o] = bias[o]! + b * sum;
    }
    storeParams(conv, params);
    conv.input![0] = mul.input![0]!;
    removed.add(mul).add(add);
  }

  // What is left of the affine sits between an activation and a padded depthwise convolution
  // (folding it there would change the border taps). As a per-channel 1×1 convolution it stays
  // in onnxruntime's blocked (NCHWc) layout: one pass instead of two layout reorders and two
  // element-wise ops.
  const producer = new Map<string, INodeProto>();
  for (const n of nodes) if (!removed.has(n)) for (const o of n.output ?? []) producer.set(o, n);
  const channelsOf = (name: string, depth = 0): number | undefined => {
    const n = producer.get(name);
    if (!n || depth > 4) return undefined;
    if (n.opType === 'Conv') {
      const w = constants.get(n.input![1]!)?.attribute?.[0]?.t ?? inits.get(n.input![1]!);
      return w?.dims?.length === 4 ? Number(w.dims[0]) : undefined;
    }
    return ['Mul', 'Add', 'HardSigmoid', 'Relu'].includes(n.opType!) ? channelsOf(n.input![0]!, depth + 1) : undefined;
  };
  for (const mul of nodes) {
    if (removed.has(mul) || mul.opType !== 'Mul') continue;
    const s = scalar(mul.input?.[1]);
    const channels = s === undefined ? undefined : channelsOf(mul.input![0]!);
    if (s === undefined || channels === undefined) continue;
    const add = only(mul.output![0]!);
    const b = add?.opType === 'Add' && !removed.has(add) ? scalar(add.input?.[1]) : undefined;
    const name = `${mul.output![0]!}__affine`;
    graph.initializer!.push(
      { name: `${name}_w`, dataType: onnx.TensorProto.DataType.FLOAT, dims: [channels, 1, 1, 1], rawData: new Uint8Array(new Float32Array(channels).fill(s).buffer) },
      { name: `${name}_b`, dataType: onnx.TensorProto.DataType.FLOAT, dims: [channels], rawData: new Uint8Array(new Float32Array(channels).fill(b ?? 0).buffer) },
    );
    Object.assign(mul, {
      opType: 'Conv',
      input: [mul.input![0]!, `${name}_w`, `${name}_b`],
      output: b !== undefined ? add!.output : mul.output,
      attribute: [{ name: 'group', type: onnx.AttributeProto.AttributeType.INT, i: channels }],
    });
    if (b !== undefined) removed.add(add!);
  }

  graph.node = nodes.filter((n) => !removed.has(n));
  return onnx.ModelProto.encode(model).finish();
}
