/**
 * A/B of the decoder as exported against the attention rewritten at load (gqa-rewrite.ts, the
 * 'rows' KV form of kv-form.ts), in one process and interleaved (A, B, A, B …): decode-step time at
 * a fixed context with a synthetic KV cache (its values do not change the cost), and a prefill
 * each. A step of B includes appending its new rows to the held buffers, as kv-cache.ts does. Both
 * sessions get the CPU load path's MatMulNBits accuracy level. Run:
 * `npx tsx companion/src/bench/vlm-real/gqa-ab.ts [model dir]` (default: the vlm-real bench's cached
 * qwen2.5-vl-3b stand-in; GQA_AB_CONTEXTS, GQA_AB_ROUNDS, GQA_AB_STEPS, GQA_AB_PREFILL tune it).
 * Prints medians and the load.
 */
import { readFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { MATMUL_ACCURACY_LEVEL } from '../../engine/vlm/device';
import { rewriteAttentionToGqa } from '../../engine/vlm/gqa-rewrite';
import { sessionOptionsFor } from '../../engine/vlm/loader';
import { setMatMulNBitsAccuracy } from '../../engine/vlm/matmul-accuracy';

const dir = process.argv[2] ?? join(tmpdir(), 'loupe-bench-real', 'qwen2.5-vl-3b-q4');
const contexts = (process.env.GQA_AB_CONTEXTS ?? '500,4075').split(',').map(Number);
const rounds = Number(process.env.GQA_AB_ROUNDS ?? 5);
const stepsPerRound = Number(process.env.GQA_AB_STEPS ?? 3);
const prefillTokens = Number(process.env.GQA_AB_PREFILL ?? 0);
/** Buffer rows past the context in B: the masked tail a held buffer has between regrows. */
const SPARE_ROWS = 128;

const file = join(dir, 'onnx', 'decoder_model_merged_q4.onnx');
const accurate = setMatMulNBitsAccuracy(await readFile(file), MATMUL_ACCURACY_LEVEL.cpu!).model;
const rows = rewriteAttentionToGqa(accurate);
if (rows.layers === 0) throw new Error(`the rewrite did not apply: ${rows.reason}`);
const base = sessionOptionsFor('cpu', 'decoder_model_merged');
const extra = base.extra as { session: Record<string, unknown> };
const options = { ...base, logSeverityLevel: 3 as const, extra: { ...extra, session: { ...extra.session, model_external_initializers_file_folder_path: dirname(file) } } };
const original = await ort.InferenceSession.create(accurate, options);
const rewritten = await ort.InferenceSession.create(rows.model, options);

const pastMeta = original.inputMetadata.filter((m) => m.name.startsWith('past_key_values.'));
const [, kvHeads, , headDim] = (pastMeta[0] as unknown as { shape: number[] }).shape as [number, number, number, number];
const hidden = Number((original.inputMetadata.find((m) => m.name === 'inputs_embeds') as unknown as { shape: number[] }).shape[2]);
const layers = pastMeta.length / 2;
const i64 = (values: number[], dims: number[]) => new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), dims);
const cache = (length: number) => new ort.Tensor('float32', Float32Array.from({ length: kvHeads * length * headDim }, (_, i) => Math.sin(i) * 0.5), [1, kvHeads, length, headDim]);

function feeds(embeds: Float32Array, s: number, total: number, past: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
  const p = Array.from({ length: s }, (_, i) => total - s + i);
  return { ...past, inputs_embeds: new ort.Tensor('float32', embeds, [1, s, hidden]), attention_mask: i64(Array(total).fill(1), [1, total]), position_ids: i64([...p, ...p, ...p], [3, 1, s]), num_logits_to_keep: i64([1], []) };
}

/** B's step: the run, then its new rows (present.*) copied into the held buffers after `filled` rows. */
async function rowsStep(input: Record<string, ort.Tensor>, buffers: Record<string, ort.Tensor>, filled: number): Promise<void> {
  const out = await rewritten.run(input);
  for (const m of pastMeta) {
    const added = out[m.name.replace('past_key_values.', 'present.')]!;
    const into = buffers[m.name]!;
    const capacity = into.dims[2]!;
    const s = added.dims[2]!;
    for (let h = 0; h < kvHeads; h++) (into.data as Float32Array).set((added.data as Float32Array).subarray(h * s * headDim, (h + 1) * s * headDim), (h * capacity + filled) * headDim);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`${layers} layers, ${kvHeads} KV heads × ${headDim}; attention rewritten on ${rows.layers} layers; load ${load()}`);

for (const context of contexts) {
  // A: past of `context` rows, the present (past + new) allocated by each run. B: a held buffer of context + SPARE_ROWS rows, the first `context` valid.
  const pastA = Object.fromEntries(pastMeta.map((m) => [m.name, cache(context)]));
  const buffers = Object.fromEntries(pastMeta.map((m) => [m.name, cache(context + SPARE_ROWS)]));
  const embeds = Float32Array.from({ length: hidden }, (_, i) => Math.cos(i) * 0.1);
  const times: Record<'A' | 'B', number[]> = { A: [], B: [] };
  const step = async (which: 'A' | 'B') => {
    const start = performance.now();
    if (which === 'A') await original.run(feeds(embeds, 1, context + 1, pastA));
    else await rowsStep(feeds(embeds, 1, context + 1, buffers), buffers, context);
    times[which].push(performance.now() - start);
  };
  for (const which of ['A', 'B'] as const) await step(which);
  times.A.length = times.B.length = 0;
  for (let r = 0; r < rounds; r++) for (const which of ['A', 'B'] as const) for (let s = 0; s < stepsPerRound; s++) await step(which);
  const [a, b] = [median(times.A), median(times.B)];
  const tps = (ms: number) => `${ms.toFixed(1)} ms = ${(1000 / ms).toFixed(2)} tok/s`;
  console.log(`context ${context}: step medians A (as exported) ${tps(a)}, B (rewritten: KV read from held buffers, new rows out) ${tps(b)}; B/A speed ${(a / b).toFixed(2)}×; ${times.A.length} steps each; load ${load()}`);
}

if (prefillTokens > 0) {
  const embeds = Float32Array.from({ length: prefillTokens * hidden }, (_, i) => Math.cos(i * 0.01) * 0.1);
  const times: Record<'A' | 'B', number[]> = { A: [], B: [] };
  for (let r = 0; r < 2; r++) {
    for (const which of ['A', 'B'] as const) {
      const start = performance.now();
      if (which === 'A') await original.run(feeds(embeds, prefillTokens, prefillTokens, Object.fromEntries(pastMeta.map((m) => [m.name, cache(0)]))));
      else {
        const buffers = Object.fromEntries(pastMeta.map((m) => [m.name, new ort.Tensor('float32', new Float32Array(kvHeads * (prefillTokens + 256) * headDim), [1, kvHeads, prefillTokens + 256, headDim])]));
        await rowsStep(feeds(embeds, prefillTokens, prefillTokens, Object.fromEntries(pastMeta.map((m) => [m.name, cache(0)]))), buffers, 0);
      }
      times[which].push(performance.now() - start);
    }
  }
  const [a, b] = [Math.min(...times.A), Math.min(...times.B)];
  console.log(`prefill ${prefillTokens}: A ${(a / 1000).toFixed(2)} s = ${((prefillTokens * 1000) / a).toFixed(1)} tok/s, B ${(b / 1000).toFixed(2)} s = ${((prefillTokens * 1000) / b).toFixed(1)} tok/s, B/A speed ${(a / b).toFixed(2)}× (best of 2 each, B with its rows copied into fresh buffers); load ${load()}`);
}
await original.release();
await rewritten.release();
