import { Worker } from 'node:worker_threads';

/**
 * Streaming read bandwidth: each of `threads` workers sums its own buffer (far larger than any
 * cache) with a WebAssembly SIMD loop (two 16-byte loads per iteration, so the loop is bound by
 * memory rather than by JS). All workers start together; a pass lasts as long as its slowest
 * worker, and the best of `passes` passes is the figure (noise only ever slows a pass down).
 */
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];
function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return out;
}

/** (module (memory (export "mem") pages) (func (export "sum") (param bytes i32) (result f64) …)) */
export function sumModule(pages: number): Uint8Array {
  const simd = (...op: number[]) => [0xfd, ...op];
  const loadAdd = (acc: number, offset: number) => [0x20, acc, 0x20, 1, ...simd(0x00, 4, offset), ...simd(0xf0, 0x01), 0x21, acc];
  const body = [
    0x02, 0x01, 0x7f, 0x02, 0x7b, // locals: i32 i, v128 a, v128 b
    0x03, 0x40, ...loadAdd(2, 0), ...loadAdd(3, 16),
    0x20, 1, 0x41, 0x20, 0x6a, 0x22, 1, 0x20, 0, 0x49, 0x0d, 0x00, 0x0b, // i += 32; loop while i < bytes
    0x20, 2, 0x20, 3, ...simd(0xf0, 0x01), 0x21, 2,
    0x20, 2, ...simd(0x21, 0), 0x20, 2, ...simd(0x21, 1), 0xa0, 0x0b,
  ];
  const name = (s: string) => [s.length, ...Buffer.from(s)];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 1, 0x7f, 1, 0x7c]),
    ...section(3, [1, 0]),
    ...section(5, [1, 0, ...leb(pages)]),
    ...section(7, [2, ...name('mem'), 2, 0, ...name('sum'), 0, 0]),
    ...section(10, [1, ...leb(body.length), ...body]),
  ]);
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const instance = new WebAssembly.Instance(new WebAssembly.Module(workerData.wasm));
new Float64Array(instance.exports.mem.buffer).fill(1); // real pages, not the shared zero page
parentPort.on('message', () => {
  const t0 = performance.now();
  const sum = instance.exports.sum(workerData.bytes);
  parentPort.postMessage({ ms: performance.now() - t0, sum });
});
parentPort.postMessage('ready');
`;

/** GB/s (10⁹ bytes per second) read by `threads` threads together. */
export async function measureMemoryBandwidth(threads: number, bytesPerThread = 256 * 1024 * 1024, passes = 6): Promise<number> {
  const wasm = sumModule(bytesPerThread / 65536);
  const workers = Array.from({ length: threads }, () => new Worker(WORKER, { eval: true, workerData: { bytes: bytesPerThread, wasm } }));
  try {
    await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
    let best = 0;
    for (let p = 0; p < passes; p++) {
      const runs = await Promise.all(
        workers.map(
          (w) =>
            new Promise<{ ms: number; sum: number }>((r) => {
              w.once('message', r);
              w.postMessage('go');
            }),
        ),
      );
      if (runs.some((r) => r.sum !== bytesPerThread / 8)) throw new Error('bandwidth probe summed the wrong bytes');
      best = Math.max(best, (threads * bytesPerThread) / (Math.max(...runs.map((r) => r.ms)) / 1000) / 1e9);
    }
    return best;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
