import { onnx, type INodeProto, type ITensorProto } from '@loupe/models/onnx/proto';

/**
 * Folds BatchNormalization into the convolution before it (y = γ·(conv − μ)/√(σ² + ε) + β
 * becomes new weights and bias), when the convolution's output feeds only the BN and its
 * weights feed only it. onnxruntime does this itself for fp32, but not once the convolution
 * is wrapped in quantise / dequantise nodes, so the int8 rewrite needs it done first.
 */
export function foldBatchNorms(modelBytes: Uint8Array): Uint8Array {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph!;
  // The Paddle export keeps some parameters as initializers and some as Constant nodes.
  const inits = new Map(graph.initializer!.map((t) => [t.name!, t]));
  for (const n of graph.node!) if (n.opType === 'Constant' && n.attribute?.[0]?.t) inits.set(n.output![0]!, n.attribute[0].t);
  const uses = new Map<string, number>();
  for (const n of graph.node!) for (const i of n.input ?? []) uses.set(i, (uses.get(i) ?? 0) + 1);
  for (const o of graph.output!) uses.set(o.name!, (uses.get(o.name!) ?? 0) + 1);
  const floats = (t: ITensorProto | undefined) =>
    t?.dataType !== onnx.TensorProto.DataType.FLOAT ? undefined : t.rawData?.length ? new Float32Array(new Uint8Array(t.rawData).buffer) : Float32Array.from(t.floatData ?? []);
  const producer = new Map<string, INodeProto>();
  for (const n of graph.node!) for (const o of n.output ?? []) producer.set(o, n);
  const removed = new Set<INodeProto>();
  for (const bn of graph.node!) {
    if (bn.opType !== 'BatchNormalization' || bn.output?.length !== 1) continue;
    const conv = producer.get(bn.input![0]!);
    if (conv?.opType !== 'Conv' || uses.get(conv.output![0]!) !== 1 || uses.get(conv.input![1]!) !== 1) continue;
    const [gamma, beta, mean, variance] = bn.input!.slice(1, 5).map((name) => floats(inits.get(name)));
    const wTensor = inits.get(conv.input![1]!);
    const w = floats(wTensor);
    const outChannels = Number(wTensor?.dims?.[0]);
    if (!w || !gamma || !beta || !mean || !variance || [gamma, beta, mean, variance].some((p) => p.length !== outChannels)) continue;
    const biasName = conv.input![2];
    const b = biasName ? floats(inits.get(biasName)) : new Float32Array(outChannels);
    if (!b || b.length !== outChannels || (biasName && uses.get(biasName) !== 1)) continue;
    const eps = bn.attribute?.find((a) => a.name === 'epsilon')?.f ?? 1e-5;
    const perOut = w.length / outChannels;
    for (let o = 0; o < outChannels; o++) {
      const k = gamma[o]! / Math.sqrt(variance[o]! + eps);
      for (let i = o * perOut; i < (o + 1) * perOut; i++) w[i]! *= k;
      b[o] = (b[o]! - mean[o]!) * k + beta[o]!;
    }
    Object.assign(wTensor!, { rawData: new Uint8Array(w.buffer), floatData: [] });
    const newBias = `${bn.output[0]!}__bias`;
    graph.initializer!.push({ name: newBias, dataType: onnx.TensorProto.DataType.FLOAT, dims: [outChannels], rawData: new Uint8Array(b.buffer) });
    conv.input = [conv.input![0]!, conv.input![1]!, newBias];
    conv.output = bn.output;
    removed.add(bn);
  }
  graph.node = graph.node!.filter((n) => !removed.has(n));
  return onnx.ModelProto.encode(model).finish();
}
