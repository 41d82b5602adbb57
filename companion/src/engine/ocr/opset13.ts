import { onnx, type INodeProto, type OnnxModel } from '@loupe/models/onnx/proto';

/** Ops whose opset-9…12 form means the same at opset 13 (for the attributes PP-OCR uses). */
const UNCHANGED = new Set([
  'Constant', 'Conv', 'ConvTranspose', 'BatchNormalization', 'HardSigmoid', 'Mul', 'Add', 'Sub', 'Div', 'Pow', 'Sqrt',
  'GlobalAveragePool', 'AveragePool', 'Relu', 'Sigmoid', 'Shape', 'Cast', 'Concat', 'Reshape', 'Transpose',
  'ReduceMean', 'ReduceMax', 'ArgMax', 'Gather', 'MatMul', 'Resize',
]);

const DOMAIN_VERSION = 13;

/**
 * Int8 `QuantizeLinear` / `DequantizeLinear` with per-channel scales need opset 13; the PP-OCR
 * exports are opset 9 (recogniser) and 11 (detector). This raises the default-domain opset to 13,
 * rewriting the few ops whose signature changed in between so the graph computes the same:
 * - Slice (< 10): starts / ends / axes move from attributes to inputs;
 * - Squeeze (< 13): axes move from an attribute to an input;
 * - Softmax (< 13): it normalised the input flattened to 2-D at `axis`; spelled out as
 *   Flatten → Softmax(last axis) → Reshape to the input's shape.
 * Returns undefined (the model untouched) for an op it does not know, so callers keep fp32;
 * otherwise edits `model` in place and returns it.
 */
export function upgradeToOpset13(model: OnnxModel): OnnxModel | undefined {
  const opset = model.opsetImport?.find((o) => !o.domain);
  const from = Number(opset?.version ?? 0);
  if (!opset || from < 9 || from > DOMAIN_VERSION) return undefined;
  if (from === DOMAIN_VERSION) return model;
  const graph = model.graph!;
  const known = (n: INodeProto) => !n.domain && (UNCHANGED.has(n.opType!) || ['Slice', 'Squeeze', 'Softmax'].includes(n.opType!));
  if (!graph.node!.every(known)) return undefined;
  const T = onnx.AttributeProto.AttributeType;
  const attr = (n: INodeProto, name: string) => n.attribute?.find((a) => a.name === name);
  const ints = (n: INodeProto, name: string) => attr(n, name)?.ints?.map(Number);
  let made = 0;
  const int64s = (hint: string, values: number[]) => {
    const name = `${hint}__opset13_${made++}`;
    graph.initializer!.push({ name, dataType: onnx.TensorProto.DataType.INT64, dims: [values.length], int64Data: values });
    return name;
  };
  const nodes: INodeProto[] = [];
  for (const n of graph.node!) {
    const op = n.opType!;
    if (op === 'Slice' && from < 10) {
      const starts = ints(n, 'starts'), ends = ints(n, 'ends'), axes = ints(n, 'axes');
      if (!starts || !ends) throw new Error(`Slice ${n.name ?? ''} has no starts/ends`);
      const inputs = [n.input![0]!, int64s(n.output![0]!, starts), int64s(n.output![0]!, ends)];
      if (axes) inputs.push(int64s(n.output![0]!, axes));
      nodes.push({ ...n, input: inputs, attribute: [] });
    } else if (op === 'Squeeze') {
      const axes = ints(n, 'axes');
      nodes.push({ ...n, input: axes ? [n.input![0]!, int64s(n.output![0]!, axes)] : n.input, attribute: [] });
    } else if (op === 'Softmax') {
      const axis = Number(attr(n, 'axis')?.i ?? 1);
      const [x, y] = [n.input![0]!, n.output![0]!];
      const shape = `${y}__opset13_shape`, flat = `${y}__opset13_flat`, soft = `${y}__opset13_soft`;
      nodes.push(
        { opType: 'Shape', input: [x], output: [shape] },
        { opType: 'Flatten', input: [x], output: [flat], attribute: [{ name: 'axis', type: T.INT, i: axis }] },
        { opType: 'Softmax', input: [flat], output: [soft], attribute: [{ name: 'axis', type: T.INT, i: -1 }] },
        { opType: 'Reshape', input: [soft, shape], output: [y] },
      );
    } else {
      nodes.push(n);
    }
  }
  graph.node = nodes;
  opset.version = DOMAIN_VERSION;
  return model;
}
