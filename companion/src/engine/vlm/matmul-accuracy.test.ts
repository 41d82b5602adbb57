import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '@loupe/models/onnx/graph-builder';
import { onnx } from '@loupe/models/onnx/proto';
import { matMulNBits } from '@loupe/models/standin/quantize';
import { setMatMulNBitsAccuracy } from './matmul-accuracy';

const K = 64;
const N = 48;

function model(existingLevel?: number): Uint8Array {
  const g = new GraphBuilder('t');
  const x = g.input('x', 'float32', [1, K]);
  const w = Float32Array.from({ length: K * N }, (_, i) => Math.sin(i * 1.7));
  const y = matMulNBits(g, 'w', x, w, K, N, false);
  const z = g.op('Relu', [y], {}, 'z');
  g.output(z, 'float32', [1, N]);
  const proto = g.toModel();
  if (existingLevel !== undefined) proto.graph!.node![0]!.attribute!.push({ name: 'accuracy_level', type: onnx.AttributeProto.AttributeType.INT, i: existingLevel });
  return onnx.ModelProto.encode(proto).finish();
}

const levels = (bytes: Uint8Array) =>
  onnx.ModelProto.decode(bytes)
    .graph!.node!.filter((n) => n.opType === 'MatMulNBits')
    .map((n) => n.attribute!.filter((a) => a.name === 'accuracy_level').map((a) => Number(a.i)));

async function run(bytes: Uint8Array, input: Float32Array): Promise<Float32Array> {
  const s = await ort.InferenceSession.create(bytes, { logSeverityLevel: 3, intraOpNumThreads: 1 });
  try {
    return (await s.run({ x: new ort.Tensor('float32', input, [1, K]) })).z!.data as Float32Array;
  } finally {
    await s.release();
  }
}

describe('setMatMulNBitsAccuracy', () => {
  it('sets accuracy_level on MatMulNBits only, replacing an existing value, and the model still runs close to the original', async () => {
    for (const existing of [undefined, 0]) {
      const original = model(existing);
      const rewritten = setMatMulNBitsAccuracy(original, 4);
      expect(rewritten.nodes).toBe(1);
      expect(levels(original)).toEqual([existing === undefined ? [] : [0]]);
      expect(levels(rewritten.model)).toEqual([[4]]);
      const relu = onnx.ModelProto.decode(rewritten.model).graph!.node!.find((n) => n.opType === 'Relu')!;
      expect(relu.attribute).toEqual([]);
      const input = Float32Array.from({ length: K }, (_, i) => Math.cos(i));
      const [a, b] = [await run(original, input), await run(rewritten.model, input)];
      let maxDiff = 0;
      let maxAbs = 0;
      for (let i = 0; i < N; i++) {
        maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
        maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
      }
      // int8 activations: close, not bit-identical.
      expect(maxDiff).toBeLessThan(0.05 * maxAbs);
    }
  });

  it('reaches MatMulNBits inside subgraphs (If branches) and leaves a model without one untouched', () => {
    const inner = onnx.ModelProto.decode(model()).graph!;
    const outer = onnx.ModelProto.create({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }],
      graph: { name: 'outer', node: [{ opType: 'If', input: ['c'], output: ['z'], attribute: [{ name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: inner }] }] },
    });
    const bytes = onnx.ModelProto.encode(outer).finish();
    const rewritten = setMatMulNBitsAccuracy(bytes, 4);
    expect(rewritten.nodes).toBe(1);
    const branch = onnx.ModelProto.decode(rewritten.model).graph!.node![0]!.attribute![0]!.g!;
    expect(Number(branch.node!.find((n) => n.opType === 'MatMulNBits')!.attribute!.find((a) => a.name === 'accuracy_level')!.i)).toBe(4);
    expect(branch.initializer!.length).toBe(inner.initializer!.length);

    const plain = new GraphBuilder('p');
    g(plain);
    const none = onnx.ModelProto.encode(plain.toModel()).finish();
    const same = setMatMulNBitsAccuracy(none, 4);
    expect(same.nodes).toBe(0);
    expect(same.model).toBe(none);
  });
});

function g(b: GraphBuilder): void {
  const x = b.input('x', 'float32', [1, 2]);
  b.output(b.op('Relu', [x], {}, 'y'), 'float32', [1, 2]);
}
