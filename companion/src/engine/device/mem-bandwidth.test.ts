import { describe, expect, it } from 'vitest';
import { measureMemoryBandwidth, sumModule } from './mem-bandwidth';

interface Instance {
  exports: { mem: { buffer: ArrayBuffer }; sum: (bytes: number) => number };
}

describe('memory-bandwidth probe', () => {
  it('its WebAssembly loop sums every double of the buffer', () => {
    // The project's TS libs carry no WebAssembly types: the few members used, typed here.
    const wasm = (globalThis as unknown as { WebAssembly: { Module: new (b: Uint8Array) => object; Instance: new (m: object) => Instance } }).WebAssembly;
    const { exports } = new wasm.Instance(new wasm.Module(sumModule(1)));
    const values = new Float64Array(exports.mem.buffer);
    values.forEach((_, i) => (values[i] = i % 7));
    const expected = values.reduce((a, b) => a + b, 0);
    expect(exports.sum(65536)).toBe(expected);
    expect(exports.sum(32)).toBe(values[0]! + values[1]! + values[2]! + values[3]!);
  });

  it('reports a positive GB/s from workers', async () => {
    const gbps = await measureMemoryBandwidth(1, 8 * 1024 * 1024, 1);
    expect(gbps).toBeGreaterThan(0.1);
  });
});
