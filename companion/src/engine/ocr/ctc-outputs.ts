import { onnx } from '@loupe/models/onnx/proto';

/** Output names the recogniser reads after `compactCtcOutputs`. */
export const CTC_OUTPUTS = { best: 'ctc_best', bestProb: 'ctc_best_prob', spaceProb: 'ctc_space_prob' } as const;

/**
 * Replaces the recogniser's [N, T, classes] probability output (6625 classes: ~26 MB per
 * page to copy out and scan in JS) with what greedy CTC decoding needs, computed in the
 * graph: the argmax class and its probability per time step, and the space class's probability.
 */
export function compactCtcOutputs(modelBytes: Uint8Array, spaceClass: number): Uint8Array {
  const model = onnx.ModelProto.decode(modelBytes);
  const graph = model.graph!;
  if (graph.output?.length !== 1) throw new Error('the PP-OCR recogniser should have one output');
  const probs = graph.output[0]!.name!;
  const T = onnx.AttributeProto.AttributeType;
  const int = (name: string, i: number) => ({ name, type: T.INT, i });
  const argmax = `${CTC_OUTPUTS.best}__int64`;
  const spaceIndex = `${CTC_OUTPUTS.spaceProb}__index`;
  graph.node!.push(
    { opType: 'ArgMax', input: [probs], output: [argmax], attribute: [int('axis', 2), int('keepdims', 0)] },
    { opType: 'Cast', input: [argmax], output: [CTC_OUTPUTS.best], attribute: [int('to', onnx.TensorProto.DataType.INT32)] },
    { opType: 'ReduceMax', input: [probs], output: [CTC_OUTPUTS.bestProb], attribute: [{ name: 'axes', type: T.INTS, ints: [2] }, int('keepdims', 0)] },
    {
      opType: 'Constant',
      output: [spaceIndex],
      attribute: [{ name: 'value', type: T.TENSOR, t: { dataType: onnx.TensorProto.DataType.INT64, dims: [], int64Data: [spaceClass] } }],
    },
    { opType: 'Gather', input: [probs, spaceIndex], output: [CTC_OUTPUTS.spaceProb], attribute: [int('axis', 2)] },
  );
  const seq = (elemType: number) => ({ tensorType: { elemType, shape: { dim: [{ dimParam: 'batch' }, { dimParam: 'steps' }] } } });
  graph.output = [
    { name: CTC_OUTPUTS.best, type: seq(onnx.TensorProto.DataType.INT32) },
    { name: CTC_OUTPUTS.bestProb, type: seq(onnx.TensorProto.DataType.FLOAT) },
    { name: CTC_OUTPUTS.spaceProb, type: seq(onnx.TensorProto.DataType.FLOAT) },
  ];
  return onnx.ModelProto.encode(model).finish();
}
