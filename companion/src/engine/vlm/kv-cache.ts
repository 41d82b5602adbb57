import * as ort from 'onnxruntime-node';

/** One KV input of the decoder and the output that carries it on. */
export interface PastInput {
  name: string;
  present: string;
  type: ort.Tensor.Type;
  dims: [number, number, number, number];
}

/** The KV cache across one generation: it adds the past feeds to each decoder run and keeps what comes back. */
export interface KvCache {
  /** Runs the decoder with `feeds` plus the cache; `total` = rows after this run (attention_mask's length). */
  run(decoder: ort.InferenceSession, feeds: Record<string, ort.Tensor>, total: number): Promise<ort.InferenceSession.ReturnType>;
  /** Takes `rows` zero rows as the past, for timing a step at that context (the values do not change its cost). */
  assumeFilled(rows: number): void;
  release(): void;
}

/**
 * The transformers.js way: each run's present.* outputs (past + new rows, allocated by the run)
 * become the next run's past inputs, untouched on the JS side (they may stay device tensors).
 */
export class GrowingKv implements KvCache {
  private kv: Record<string, ort.Tensor>;

  constructor(private readonly past: readonly PastInput[]) {
    this.kv = this.zeros(0);
  }

  assumeFilled(rows: number): void {
    this.release();
    this.kv = this.zeros(rows);
  }

  private zeros(rows: number): Record<string, ort.Tensor> {
    return Object.fromEntries(
      this.past.map((p) => {
        const [, heads, , dim] = p.dims;
        const size = heads * rows * dim;
        return [p.name, new ort.Tensor(p.type, p.type === 'float16' ? new Uint16Array(size) : new Float32Array(size), [1, heads, rows, dim])];
      }),
    );
  }

  async run(decoder: ort.InferenceSession, feeds: Record<string, ort.Tensor>, _total: number): Promise<ort.InferenceSession.ReturnType> {
    const outputs = await decoder.run({ ...feeds, ...this.kv });
    const next: Record<string, ort.Tensor> = {};
    for (const p of this.past) {
      const t = outputs[p.present];
      if (!t) throw new Error(`decoder output ${p.present} is missing (it returns ${Object.keys(outputs).join(', ')}); use a transformers.js Qwen-VL export.`);
      next[p.name] = t;
    }
    this.release();
    this.kv = next;
    return outputs;
  }

  release(): void {
    for (const t of Object.values(this.kv)) t.dispose();
  }
}

/**
 * For a decoder in the 'rows' KV form (kv-form.ts): one buffer per past input, [1, kv heads,
 * capacity, head dim], owned here and passed as the past input (onnxruntime reads it in place);
 * after each run the new rows of each present.* output are copied into it, behind the filled ones.
 * The prefill's past is zero rows. A run that would fill the buffers past their capacity regrows
 * them first by `growth` rows (the filled rows copied): not by doubling, because the attention
 * computes (masked) over every row of the buffer.
 */
export class RowsKv implements KvCache {
  private buffers: (Float32Array | Uint16Array)[] = [];
  private capacity = 0;
  private filled = 0;

  constructor(
    private readonly past: readonly PastInput[],
    capacity: number,
    private readonly growth: number,
  ) {
    this.grow(capacity);
  }

  assumeFilled(rows: number): void {
    if (rows >= this.capacity) this.grow(rows + this.growth);
    this.filled = rows;
  }

  async run(decoder: ort.InferenceSession, feeds: Record<string, ort.Tensor>, total: number): Promise<ort.InferenceSession.ReturnType> {
    if (total > this.capacity) this.grow(total + this.growth);
    const all = { ...feeds };
    this.past.forEach((p, i) => {
      const [, heads, , dim] = p.dims;
      all[p.name] = new ort.Tensor(p.type, this.filled === 0 ? this.buffers[i]!.subarray(0, 0) : this.buffers[i]!, [1, heads, this.filled === 0 ? 0 : this.capacity, dim]);
    });
    const outputs = await decoder.run(all);
    const added = total - this.filled;
    this.past.forEach((p, i) => {
      const rows = outputs[p.present];
      const [, heads, , dim] = p.dims;
      if (!rows || rows.dims[2] !== added) throw new Error(`decoder output ${p.present} should be the ${added} new rows, got [${rows?.dims.join(', ')}]`);
      const from = rows.data as Float32Array | Uint16Array;
      const into = this.buffers[i]!;
      for (let h = 0; h < heads; h++) into.set(from.subarray(h * added * dim, (h + 1) * added * dim) as never, (h * this.capacity + this.filled) * dim);
      rows.dispose();
    });
    this.filled = total;
    return outputs;
  }

  release(): void {
    this.buffers = [];
  }

  private grow(capacity: number): void {
    this.buffers = this.past.map((p, i) => {
      const [, heads, , dim] = p.dims;
      const data = p.type === 'float16' ? new Uint16Array(heads * capacity * dim) : new Float32Array(heads * capacity * dim);
      const old = this.buffers[i];
      for (let h = 0; old && h < heads; h++) data.set(old.subarray(h * this.capacity * dim, (h * this.capacity + this.filled) * dim) as never, h * capacity * dim);
      return data;
    });
    this.capacity = capacity;
  }
}
