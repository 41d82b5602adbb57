import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { onnx } from '@loupe/models/onnx/proto';
import { fuseActivations } from './fuse-activations';
import { firstOutput } from './test-output';
import { resolvePpOcrModelFiles } from './model-files';

const opCount = (bytes: Uint8Array, op: string) => onnx.ModelProto.decode(bytes).graph!.node!.filter((n) => n.opType === op).length;

describe('fuseActivations', () => {
  const files = resolvePpOcrModelFiles();

  it.each([
    ['rec', [2, 3, 48, 96]],
    ['det', [1, 3, 64, 96]],
  ] as const)('gives the same %s outputs with far fewer element-wise ops', async (which, shape) => {
    const original = readFileSync(files[which]);
    const fused = fuseActivations(original);
    expect(opCount(fused, 'Clip')).toBeLessThan(opCount(original, 'Clip'));
    expect(opCount(fused, 'Mul') + opCount(fused, 'Add')).toBeLessThan((opCount(original, 'Mul') + opCount(original, 'Add')) / 2);
    const n = shape.reduce<number>((a, b) => a * b, 1);
    // Deterministic pseudo-random input in the normalised pixel range.
    const input = Float32Array.from({ length: n }, (_, i) => Math.sin(i * 12.9898) * 2);
    const [a, b] = [await firstOutput(original, [...shape], input), await firstOutput(fused, [...shape], input)];
    expect(b.length).toBe(a.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
    expect(maxDiff).toBeLessThan(1e-4);
  });

  it('gives the same direction-classifier outputs', async () => {
    const original = readFileSync(files.cls);
    const input = Float32Array.from({ length: 3 * 48 * 192 }, (_, i) => Math.cos(i * 7.31));
    const [a, b] = [await firstOutput(original, [1, 3, 48, 192], input), await firstOutput(fuseActivations(original), [1, 3, 48, 192], input)];
    expect(Math.abs(a[1]! - b[1]!)).toBeLessThan(1e-4);
  });
});
