import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStandIn } from '@loupe/models';
import { onnx } from '@loupe/models/onnx/proto';
import { getRealDims } from '@loupe/models/real-dims';
import { buildFullStandIn, type FullDtype } from '@loupe/models/standin/full/build-full';
import { DecodeLoop, newMeter } from './decode-loop';
import { rewriteAttentionToGqa } from './gqa-rewrite';
import { KV_ROWS, type KvForm } from './kv-form';
import { closeSessions, openSessions, sessionOptionsFor, type VlmSessions } from './loader';

const work = mkdtempSync(join(tmpdir(), 'loupe-gqa-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The real-dims decoder code path (M-RoPE, GQA 4/2 heads, q/k norm or bias per family), narrow and shallow. */
async function standIn(id: string, dtype: FullDtype): Promise<string> {
  const real = getRealDims(id);
  const dir = join(work, `${id}-${dtype}`);
  const vision = { ...real.vision, depth: 1, hidden: 64, heads: 1, mlp: 64, outHidden: 256, ...(real.vision.window ? { window: { sizePx: real.vision.window.sizePx, fullBlocks: [0] } } : {}) };
  await buildFullStandIn(dir, { size: id, dtype, dims: { sources: [], text: { ...real.text, layers: 2, hidden: 256, heads: 4, kvHeads: 2, headDim: 64, mlp: 512 }, vision } });
  return dir;
}

const greedy = (logits: Float32Array) => logits.reduce((best, v, i) => (v > logits[best]! ? i : best), 0);

/** Generates `steps` greedy tokens through the decode loop, keeping each step's logits. */
async function generate(sessions: VlmSessions, ids: number[], steps: number, maxNewTokens?: number): Promise<{ tokens: number[]; logits: Float32Array[]; form: KvForm }> {
  const loop = new DecodeLoop(sessions, 'image_grid_thw');
  const positions = BigInt64Array.from([0, 1, 2].flatMap(() => ids.map((_, i) => BigInt(i))));
  const prompt = { ids: BigInt64Array.from(ids.map(BigInt)), positions: { positionIds: positions, delta: 0 }, images: [], imageTokenId: 151655, ...(maxNewTokens ? { maxNewTokens } : {}) };
  const logits: Float32Array[] = [];
  const tokens: number[] = [];
  for await (const t of loop.tokens(prompt, (l) => (logits.push(l.slice()), greedy(l)), new AbortController().signal, newMeter())) {
    tokens.push(t);
    if (tokens.length === steps) break;
  }
  return { tokens, logits, form: loop.kvForm };
}

function maxDiff(a: Float32Array[], b: Float32Array[]): { diff: number; scale: number } {
  let diff = 0;
  let scale = 0;
  a.forEach((row, r) => row.forEach((v, i) => ((diff = Math.max(diff, Math.abs(v - b[r]![i]!))), (scale = Math.max(scale, Math.abs(v))))));
  return { diff, scale };
}

describe('rewriteAttentionToGqa', () => {
  it.each([
    ['qwen2.5-vl-3b', 'q4', 1e-4],
    ['qwen3-vl-2b', 'q4', 1e-4],
    ['qwen2-vl-2b', 'q4f16', 1e-2],
  ] as const)('%s %s: the same logits at prefill and over 24 greedy steps, the new KV rows appended to held buffers (and regrown)', async (id, dtype, tolerance) => {
    const dir = await standIn(id, dtype);
    const notes: string[] = [];
    const loaded = await openSessions(dir, 'cpu', dtype, { threads: 1, note: (m) => notes.push(m) });
    // Both without the accuracy_level rewrite: int8 activations would turn fp rounding into visible noise.
    const exported = { ...loaded, decoder_model_merged: await decoder(dir, dtype, (b) => b) };
    const rewritten = { ...loaded, decoder_model_merged: await decoder(dir, dtype, (b) => rewriteAttentionToGqa(b).model) };
    try {
      expect(notes).toEqual(['decoder attention rewritten on 2 layers (grouped-query products over a KV buffer held by the caller; present.* are the new rows only)']);
      const past = loaded.decoder_model_merged.inputMetadata.find((m) => m.name === 'past_key_values.1.value');
      const present = loaded.decoder_model_merged.outputMetadata.find((m) => m.name === 'present.1.value');
      expect(past?.isTensor && past.shape[2]).toBe(KV_ROWS.buffer);
      expect(present?.isTensor && present.shape[2]).toBe(KV_ROWS.present);
      const ids = [151644, 872, 198, 9707, 1879, 0, 11, 220, 17, 13];
      const a = await generate(exported, ids, 25);
      const b = await generate(rewritten, ids, 25, 4); // room for 4 new rows: the buffers regrow mid-run
      expect(a.form).toBe('exported');
      expect(b.form).toBe('rows');
      expect(b.tokens).toEqual(a.tokens);
      expect(b.logits.length).toBe(25);
      const { diff, scale } = maxDiff(a.logits, b.logits);
      expect(scale).toBeGreaterThan(0.1);
      expect(diff).toBeLessThan(tolerance * scale);
      // The engine's own load (accuracy_level 4 + the rewrite) streams through the held buffers too.
      const c = await generate(loaded, ids, 25);
      expect(c.form).toBe('rows');
      expect(c.tokens.length).toBe(25);
    } finally {
      await exported.decoder_model_merged.release();
      await rewritten.decoder_model_merged.release();
      await closeSessions(loaded);
    }
  }, 180_000);

  it('leaves a decoder whose attention is another shape as it is, saying why', async () => {
    const dir = join(work, 'tiny');
    await buildStandIn(dir, { family: 'qwen2_5_vl' });
    const bytes = await readFile(join(dir, 'onnx', 'decoder_model_merged.onnx'));
    const result = rewriteAttentionToGqa(bytes);
    expect(result.layers).toBe(0);
    expect(result.model).toBe(bytes);
    expect(result.reason).toMatch(/^layer 0: present\.0\.key producer is (Identity|Cast), expected Concat$/);
    const notes: string[] = [];
    const sessions = await openSessions(dir, 'cpu', 'fp32', { threads: 1, note: (m) => notes.push(m) });
    try {
      expect(notes).toEqual([`decoder attention left as exported (not rewritten): ${result.reason}`]);
      expect(new DecodeLoop(sessions, 'image_grid_thw').kvForm).toBe('exported');
    } finally {
      await closeSessions(sessions);
    }
  }, 120_000);

  it('matches all layers or none: one changed op in the last layer leaves the whole graph unchanged', async () => {
    const dir = await standIn('qwen2.5-vl-3b', 'q4');
    const model = onnx.ModelProto.decode(await readFile(join(dir, 'onnx', 'decoder_model_merged_q4.onnx')));
    const softmaxes = model.graph!.node!.filter((n) => n.opType === 'Softmax');
    softmaxes.at(-1)!.attribute = [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 3 }];
    const bytes = onnx.ModelProto.encode(model).finish();
    const result = rewriteAttentionToGqa(bytes);
    expect(result).toEqual({ model: bytes, layers: 0, reason: 'layer 1: Softmax is not over the last axis' });
  }, 60_000);
});

async function decoder(dir: string, dtype: string, rewrite: (bytes: Uint8Array) => Uint8Array): Promise<ort.InferenceSession> {
  const options = sessionOptionsFor('cpu', 'decoder_model_merged', { threads: 1 });
  const extra = options.extra as { session: Record<string, unknown> };
  const bytes = await readFile(join(dir, 'onnx', `decoder_model_merged_${dtype}.onnx`));
  return ort.InferenceSession.create(rewrite(bytes), { ...options, extra: { ...extra, session: { ...extra.session, model_external_initializers_file_folder_path: join(dir, 'onnx') } } });
}
