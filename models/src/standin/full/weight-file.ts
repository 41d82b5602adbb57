import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { externalDataNames } from '../../dtypes';
import type { GraphBuilder, Initializer } from '../../onnx/graph-builder';
import { toHalfBits } from '../quantize';

/** Bytes copied per write: a fixed window, so memory stays flat whatever the model size. */
const WINDOW = 8 * 1024 * 1024;
/** One external data file stays below 2 GiB (what transformers.js and real exports use per chunk). */
const CHUNK_LIMIT = 2 ** 31 - WINDOW;
const ALIGN = 64;

/** One shared pool of random bytes: weights are slices of it at a moving offset (noise is noise). */
let bytePool: Uint8Array | undefined;
const pool = (): Uint8Array => (bytePool ??= randomFillSync(new Uint8Array(WINDOW * 2)));

/**
 * Streams the initializers of one ONNX file into X.onnx_data, X.onnx_data_1 …: every tensor is
 * written window by window straight to disk and registered on the graph as external data.
 */
export class WeightFile {
  private fd: number | undefined;
  private chunk = -1;
  private offset = 0;
  private cursor = 0;
  readonly locations: string[] = [];
  bytes = 0;

  constructor(
    private readonly dir: string,
    private readonly onnxFile: string,
    private readonly g: GraphBuilder,
  ) {}

  private open(length: number): void {
    if (this.fd !== undefined && this.offset + length <= CHUNK_LIMIT) return;
    if (this.fd !== undefined) closeSync(this.fd);
    this.chunk += 1;
    const name = externalDataNames(this.onnxFile, this.chunk + 1)[this.chunk]!;
    this.locations.push(name);
    this.fd = openSync(join(this.dir, name), 'w');
    this.offset = 0;
  }

  /** Writes `length` bytes produced window by window by `fill(view, start)`; returns the tensor name. */
  private write(name: string, elemType: Initializer['elemType'], dims: number[], length: number, fill: (view: Uint8Array, start: number) => Uint8Array): string {
    this.open(length);
    const pad = (ALIGN - (this.offset % ALIGN)) % ALIGN;
    if (pad) writeSync(this.fd!, new Uint8Array(pad));
    this.offset += pad;
    const start = this.offset;
    const scratch = new Uint8Array(Math.min(WINDOW, length));
    for (let done = 0; done < length; ) {
      const n = Math.min(WINDOW, length - done);
      writeSync(this.fd!, fill(scratch.subarray(0, n), done));
      done += n;
    }
    this.offset += length;
    this.bytes += length;
    return this.g.external(name, elemType, dims, { location: this.locations[this.chunk]!, offset: start, length });
  }

  /** Uniformly random bytes (packed 4-bit weights, uint8 tables). */
  randomBytes(name: string, elemType: 'uint8' | 'int8', dims: number[]): string {
    const length = dims.reduce((a, b) => a * b, 1);
    return this.write(name, elemType, dims, length, (view) => {
      const p = pool();
      this.cursor = (this.cursor + 4099) % WINDOW; // an odd stride: neighbouring tensors differ
      view.set(p.subarray(this.cursor, this.cursor + view.length));
      return view;
    });
  }

  /** Floats uniform in [centre − spread, centre + spread], as float32 or float16. */
  floats(name: string, dims: number[], centre: number, spread: number, half = false): string {
    const count = dims.reduce((a, b) => a * b, 1);
    const width = half ? 2 : 4;
    const bits = Array.from({ length: 256 }, (_, i) => centre + spread * ((i / 255) * 2 - 1));
    const f32 = Float32Array.from(bits);
    const f16 = Uint16Array.from(bits, toHalfBits);
    return this.write(name, half ? 'float16' : 'float32', dims, count * width, (view) => {
      const p = pool();
      this.cursor = (this.cursor + 4099) % WINDOW;
      const n = view.length / width;
      if (half) {
        const out = new Uint16Array(view.buffer, view.byteOffset, n);
        for (let i = 0; i < n; i++) out[i] = f16[p[this.cursor + i]!]!;
      } else {
        const out = new Float32Array(view.buffer, view.byteOffset, n);
        for (let i = 0; i < n; i++) out[i] = f32[p[this.cursor + i]!]!;
      }
      return view;
    });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
