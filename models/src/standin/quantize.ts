import type { GraphBuilder } from '../onnx/graph-builder';

/** float32 → IEEE half bits (round to nearest; enough for scales). */
export function toHalfBits(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | ((exp << 10) + Math.round(mant / 8192)); // a rounding carry moves into the exponent
}

/**
 * y = x · W with W [K, N] stored as 4-bit blocks, the way q4/q4f16 exports store their weights:
 * com.microsoft MatMulNBits (bits 4, symmetric, zero point 8). `half` = fp16 activations and scales.
 */
export function matMulNBits(g: GraphBuilder, name: string, x: string, w: Float32Array, k: number, n: number, half: boolean, blockSize = 32): string {
  if (k % blockSize !== 0) throw new Error(`MatMulNBits stand-in needs K (${k}) divisible by ${blockSize}`);
  const blocks = k / blockSize;
  const packed = new Uint8Array(n * blocks * (blockSize / 2));
  const scales = new Float32Array(n * blocks);
  for (let col = 0; col < n; col++) {
    for (let b = 0; b < blocks; b++) {
      let max = 0;
      for (let i = 0; i < blockSize; i++) max = Math.max(max, Math.abs(w[(b * blockSize + i) * n + col]!));
      const scale = max / 7 || 1;
      scales[col * blocks + b] = scale;
      for (let i = 0; i < blockSize; i += 2) {
        const q = (j: number) => Math.max(0, Math.min(15, Math.round(w[(b * blockSize + j) * n + col]! / scale) + 8));
        packed[(col * blocks + b) * (blockSize / 2) + i / 2] = q(i) | (q(i + 1) << 4);
      }
    }
  }
  const bName = g.raw(`${name}_q4`, 'uint8', [n, blocks, blockSize / 2], packed);
  const sName = half
    ? g.raw(`${name}_scales`, 'float16', [n * blocks], new Uint8Array(Uint16Array.from(scales, toHalfBits).buffer))
    : g.floats(`${name}_scales`, [n * blocks], scales);
  return g.op('MatMulNBits', [x, bName, sName], { K: k, N: n, bits: 4, block_size: blockSize }, undefined, 'com.microsoft');
}

/** Gather rows of a table stored as uint8 with one scale (q8/uint8 exports), dequantized after the Gather. */
export function gatherQuantized(g: GraphBuilder, name: string, table: Float32Array, rows: number, cols: number, ids: string): string {
  let max = 0;
  for (const v of table) max = Math.max(max, Math.abs(v));
  const scale = max / 127 || 1;
  const q = Uint8Array.from(table, (v) => Math.max(0, Math.min(255, Math.round(v / scale) + 128)));
  const tableName = g.raw(`${name}_u8`, 'uint8', [rows, cols], q);
  const picked = g.op('Gather', [tableName, ids], { axis: 0 });
  const zero = g.raw(`${name}_zero_point`, 'uint8', [], Uint8Array.of(128));
  return g.op('DequantizeLinear', [picked, g.scalar(`${name}_scale`, scale), zero]);
}
