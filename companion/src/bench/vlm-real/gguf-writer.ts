import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import type { FamilyNetwork } from '@loupe/models';
import type { TextDims } from '@loupe/models/real-dims';
import { ggufTokenizer } from './gguf-tokenizer';

/**
 * A GGUF v3 file (ggml's documented format: header, metadata key/values, tensor infos, aligned
 * data) holding a text decoder with the given dimensions and random Q4_0 weights, for llama.cpp's
 * `qwen2` / `qwen3` architectures. Tensor data is streamed window by window.
 */
type LlamaCppArchitecture = FamilyNetwork['text']['llamaCppArchitecture'];
const GGUF_MAGIC = 0x46554747; // "GGUF"
const ALIGNMENT = 32;
const enum Kv {
  U32 = 4,
  I32 = 5,
  F32 = 6,
  BOOL = 7,
  STRING = 8,
  ARRAY = 9,
}
const enum GgmlType {
  F32 = 0,
  Q4_0 = 2,
}
/** Q4_0: 32 weights per block = fp16 scale + 16 bytes of nibbles. */
const Q4_0_BLOCK_BYTES = 18;

type Value = { t: Kv.U32 | Kv.I32 | Kv.F32; v: number } | { t: Kv.BOOL; v: boolean } | { t: Kv.STRING; v: string } | { t: Kv.ARRAY; of: Kv.STRING | Kv.I32; v: Array<string | number> };

class Bytes {
  private parts: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    this.parts.push(b);
    this.length += b.length;
  }
  u32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    this.push(b);
  }
  u64(n: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    this.push(b);
  }
  str(s: string): void {
    const b = Buffer.from(s, 'utf8');
    this.u64(b.length);
    this.push(b);
  }
  scalar(t: Kv, v: number | boolean | string): void {
    if (t === Kv.STRING) return this.str(v as string);
    const b = Buffer.alloc(t === Kv.BOOL ? 1 : 4);
    if (t === Kv.U32) b.writeUInt32LE(v as number);
    else if (t === Kv.I32) b.writeInt32LE(v as number);
    else if (t === Kv.F32) b.writeFloatLE(v as number);
    else b.writeUInt8(v ? 1 : 0);
    this.push(b);
  }
  concat(): Buffer {
    return Buffer.concat(this.parts);
  }
}

interface TensorSpec {
  name: string;
  /** ggml order: ne[0] is the contiguous (input) dimension. */
  ne: number[];
  type: GgmlType;
  /** F32 tensors: centre ± spread. */
  centre?: number;
  spread?: number;
}

function tensors(arch: LlamaCppArchitecture, t: TextDims): TensorSpec[] {
  const q = (name: string, inDim: number, outDim: number): TensorSpec => ({ name, ne: [inDim, outDim], type: GgmlType.Q4_0 });
  const f = (name: string, n: number, centre: number, spread: number): TensorSpec => ({ name, ne: [n], type: GgmlType.F32, centre, spread });
  const out: TensorSpec[] = [q('token_embd.weight', t.hidden, t.vocab), f('output_norm.weight', t.hidden, 1, 0.1)];
  if (!t.tiedEmbeddings) out.push(q('output.weight', t.hidden, t.vocab));
  const qDim = t.heads * t.headDim;
  const kvDim = t.kvHeads * t.headDim;
  for (let i = 0; i < t.layers; i++) {
    const b = `blk.${i}`;
    out.push(f(`${b}.attn_norm.weight`, t.hidden, 1, 0.1), q(`${b}.attn_q.weight`, t.hidden, qDim), q(`${b}.attn_k.weight`, t.hidden, kvDim), q(`${b}.attn_v.weight`, t.hidden, kvDim));
    if (arch === 'qwen2') out.push(f(`${b}.attn_q.bias`, qDim, 0, 0.02), f(`${b}.attn_k.bias`, kvDim, 0, 0.02), f(`${b}.attn_v.bias`, kvDim, 0, 0.02));
    if (arch === 'qwen3') out.push(f(`${b}.attn_q_norm.weight`, t.headDim, 1, 0.1), f(`${b}.attn_k_norm.weight`, t.headDim, 1, 0.1));
    out.push(q(`${b}.attn_output.weight`, qDim, t.hidden), f(`${b}.ffn_norm.weight`, t.hidden, 1, 0.1));
    out.push(q(`${b}.ffn_gate.weight`, t.hidden, t.mlp), q(`${b}.ffn_up.weight`, t.hidden, t.mlp), q(`${b}.ffn_down.weight`, t.mlp, t.hidden));
  }
  return out;
}

const elements = (s: TensorSpec) => s.ne.reduce((a, b) => a * b, 1);
const byteSize = (s: TensorSpec) => (s.type === GgmlType.F32 ? elements(s) * 4 : (elements(s) / 32) * Q4_0_BLOCK_BYTES);
const align = (n: number) => Math.ceil(n / ALIGNMENT) * ALIGNMENT;

/** Writes the GGUF; returns the bytes of weights llama.cpp reads per decoded token (all but the embedding table). */
export async function writeGguf(path: string, arch: LlamaCppArchitecture, t: TextDims, tokenizerJson: string): Promise<{ bytes: number; weightBytesPerToken: number }> {
  for (const d of [t.hidden, t.mlp, t.heads * t.headDim]) if (d % 32 !== 0) throw new Error(`Q4_0 needs rows divisible by 32, got ${d}`);
  const tok = ggufTokenizer(tokenizerJson, t.vocab);
  const kv: Array<[string, Value]> = [
    ['general.architecture', { t: Kv.STRING, v: arch }],
    ['general.name', { t: Kv.STRING, v: 'loupe stand-in (random weights, output is noise)' }],
    ['general.alignment', { t: Kv.U32, v: ALIGNMENT }],
    ['general.file_type', { t: Kv.U32, v: 2 }], // MOSTLY_Q4_0
    [`${arch}.context_length`, { t: Kv.U32, v: 32768 }],
    [`${arch}.embedding_length`, { t: Kv.U32, v: t.hidden }],
    [`${arch}.block_count`, { t: Kv.U32, v: t.layers }],
    [`${arch}.feed_forward_length`, { t: Kv.U32, v: t.mlp }],
    [`${arch}.attention.head_count`, { t: Kv.U32, v: t.heads }],
    [`${arch}.attention.head_count_kv`, { t: Kv.U32, v: t.kvHeads }],
    [`${arch}.attention.key_length`, { t: Kv.U32, v: t.headDim }],
    [`${arch}.attention.value_length`, { t: Kv.U32, v: t.headDim }],
    [`${arch}.rope.freq_base`, { t: Kv.F32, v: t.ropeTheta }],
    [`${arch}.attention.layer_norm_rms_epsilon`, { t: Kv.F32, v: t.rmsEps }],
    ['tokenizer.ggml.model', { t: Kv.STRING, v: 'gpt2' }],
    ['tokenizer.ggml.pre', { t: Kv.STRING, v: 'qwen2' }],
    ['tokenizer.ggml.tokens', { t: Kv.ARRAY, of: Kv.STRING, v: tok.tokens }],
    ['tokenizer.ggml.token_type', { t: Kv.ARRAY, of: Kv.I32, v: tok.types }],
    ['tokenizer.ggml.merges', { t: Kv.ARRAY, of: Kv.STRING, v: tok.merges }],
    ['tokenizer.ggml.eos_token_id', { t: Kv.U32, v: tok.eos }],
    ['tokenizer.ggml.padding_token_id', { t: Kv.U32, v: tok.pad }],
    ['tokenizer.ggml.bos_token_id', { t: Kv.U32, v: tok.pad }],
    ['tokenizer.ggml.add_bos_token', { t: Kv.BOOL, v: false }],
  ];
  const specs = tensors(arch, t);
  const head = new Bytes();
  head.u32(GGUF_MAGIC);
  head.u32(3);
  head.u64(specs.length);
  head.u64(kv.length);
  for (const [key, value] of kv) {
    head.str(key);
    head.u32(value.t);
    if (value.t === Kv.ARRAY) {
      head.u32(value.of);
      head.u64(value.v.length);
      for (const item of value.v) head.scalar(value.of, item);
    } else head.scalar(value.t, value.v);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const s of specs) {
    offsets.push(offset);
    head.str(s.name);
    head.u32(s.ne.length);
    for (const n of s.ne) head.u64(n);
    head.u32(s.type);
    head.u64(offset);
    offset = align(offset + byteSize(s));
  }
  const fd = openSync(path, 'w');
  try {
    const header = head.concat();
    writeSync(fd, header);
    let pos = header.length;
    const pad = (to: number) => {
      if (to > pos) writeSync(fd, Buffer.alloc(to - pos));
      pos = to;
    };
    const dataStart = align(pos);
    specs.forEach((s, i) => {
      pad(dataStart + offsets[i]!);
      pos += writeTensor(fd, s);
    });
    pad(dataStart + offset);
    const embed = byteSize(specs[0]!);
    return { bytes: pos, weightBytesPerToken: offset - embed + (t.tiedEmbeddings ? embed : 0) };
  } finally {
    closeSync(fd);
  }
}

const WINDOW_BLOCKS = 1 << 18; // 4.7 MB of Q4_0 blocks per write
let pool: Buffer | undefined;

function writeTensor(fd: number, s: TensorSpec): number {
  const total = byteSize(s);
  if (s.type === GgmlType.F32) {
    const values = Buffer.alloc(total);
    for (let i = 0; i < elements(s); i++) values.writeFloatLE(s.centre! + s.spread! * (Math.random() * 2 - 1), i * 4);
    writeSync(fd, values);
    return total;
  }
  pool ??= (() => {
    const p = randomFillSync(Buffer.alloc(WINDOW_BLOCKS * Q4_0_BLOCK_BYTES));
    // Each block's fp16 scale ≈ 1/(4.6·√K)-ish: 0x1c00..0x1fff is 0.0039..0.0078.
    for (let b = 0; b < WINDOW_BLOCKS; b++) p.writeUInt16LE(0x1c00 | (p[b * Q4_0_BLOCK_BYTES]! << 2), b * Q4_0_BLOCK_BYTES);
    return p;
  })();
  for (let written = 0; written < total; ) {
    const n = Math.min(pool.length, total - written);
    writeSync(fd, pool, 0, n);
    written += n;
  }
  return total;
}
