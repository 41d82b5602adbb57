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
  release(): void;
}

/**
 * The transformers.js way: each run's present.* outputs (past + new rows, allocated by the run)
 * become the next run's past inputs, untouched on the JS side (they may stay device tensors).
 */
export class GrowingKv implements KvCache {
  private kv: Record<string, ort.Tensor>;

  constructor(private readonly past: readonly PastInput[]) {
    this.kv = Object.fromEntries(past.map((p) => [p.name, new ort.Tensor(p.type, p.type === 'float16' ? new Uint16Array(0) : new Float32Array(0), p.dims)]));
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
 * For a decoder whose attention is GroupQueryAttention (gqa-rewrite.ts): one buffer per past
 * input, [1, kv heads, capacity, head dim], passed as both the past input and the present output
 * of every run, so the kernel writes each new row in place and nothing is concatenated or copied
 * per step. attention_mask's length says how many rows are valid. A run that needs more rows than
 * the capacity regrows the buffers first by `growth` rows (the filled rows copied): not by
 * doubling, because the grouped attention form computes over every row of the buffer.
 */
export class SharedKv implements KvCache {
  private tensors: ort.Tensor[] = [];
  private capacity = 0;
  private filled = 0;

  constructor(
    private readonly past: readonly PastInput[],
    capacity: number,
    private readonly growth: number,
  ) {
    this.grow(capacity);
  }

  get rows(): number {
    return this.capacity;
  }

  async run(decoder: ort.InferenceSession, feeds: Record<string, ort.Tensor>, total: number): Promise<ort.InferenceSession.ReturnType> {
    if (total > this.capacity) this.grow(total + this.growth);
    const all = { ...feeds };
    const fetches: Record<string, ort.Tensor | null> = Object.fromEntries(decoder.outputNames.map((n) => [n, null]));
    this.past.forEach((p, i) => {
      all[p.name] = this.tensors[i]!;
      fetches[p.present] = this.tensors[i]!;
    });
    const outputs = await decoder.run(all, fetches);
    this.filled = total;
    return outputs;
  }

  release(): void {
    this.tensors = [];
  }

  private grow(capacity: number): void {
    this.tensors = this.past.map((p, i) => {
      const [, heads, , dim] = p.dims;
      const data = p.type === 'float16' ? new Uint16Array(heads * capacity * dim) : new Float32Array(heads * capacity * dim);
      const old = this.tensors[i]?.data as typeof data | undefined;
      for (let h = 0; old && h < heads; h++) data.set(old.subarray(h * this.capacity * dim, (h * this.capacity + this.filled) * dim) as never, h * capacity * dim);
      return new ort.Tensor(p.type, data, [1, heads, capacity, dim]);
    });
    this.capacity = capacity;
  }
}
