import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { onnx } from '@loupe/models/onnx/proto';
import { foldBatchNorms } from './fold-batchnorm';
import { fuseActivations } from './fuse-activations';
import { firstOutput } from './test-output';
import { resolvePpOcrModelFiles } from './model-files';
import { upgradeToOpset13 } from './opset13';

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
const upgraded = (bytes: Uint8Array) => onnx.ModelProto.encode(upgradeToOpset13(onnx.ModelProto.decode(bytes))!).finish();

describe('upgradeToOpset13 and foldBatchNorms', () => {
  const files = resolvePpOcrModelFiles();
  const shape = [2, 3, 48, 160];
  const input = Float32Array.from({ length: 2 * 3 * 48 * 160 }, (_, i) => Math.sin(i * 12.9898) * 2);

  it('give the recogniser the same outputs (opset 9 → 13, batch norms folded)', async () => {
    const original = fuseActivations(readFileSync(files.rec));
    const changed = foldBatchNorms(upgraded(original));
    const decoded = onnx.ModelProto.decode(changed);
    expect(Number(decoded.opsetImport!.find((o) => !o.domain)!.version)).toBe(13);
    expect(decoded.graph!.node!.some((n) => n.opType === 'BatchNormalization')).toBe(false);
    const [a, b] = [await firstOutput(original, shape, input), await firstOutput(changed, shape, input)];
    expect(b.length).toBe(a.length);
    expect(maxDiff(a, b)).toBeLessThan(1e-4);
  });

  it('leaves a graph with an op it does not know alone', () => {
    const model = onnx.ModelProto.decode(readFileSync(files.rec));
    model.graph!.node!.push({ opType: 'LSTM', input: ['x'], output: ['y'] });
    expect(upgradeToOpset13(model)).toBeUndefined();
    expect(Number(model.opsetImport!.find((o) => !o.domain)!.version)).toBe(9);
  });
});
