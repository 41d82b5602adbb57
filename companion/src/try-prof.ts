import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { rewriteAttentionToGqa } from './engine/vlm/gqa-rewrite';
import { setMatMulNBitsAccuracy } from './engine/vlm/matmul-accuracy';
import { sessionOptionsFor } from './engine/vlm/loader';
const which = process.argv[2] ?? 'B'; const context = Number(process.argv[3] ?? 4075);
const file = '/tmp/loupe-bench-real/qwen2.5-vl-3b-q4/onnx/decoder_model_merged_q4.onnx';
let bytes: Uint8Array = setMatMulNBitsAccuracy(await readFile(file), 4).model;
if (which === 'B') bytes = rewriteAttentionToGqa(bytes).model;
const base = sessionOptionsFor('cpu', 'decoder_model_merged'); const extra = base.extra as { session: Record<string, unknown> };
const s = await ort.InferenceSession.create(bytes, { ...base, logSeverityLevel: 3, enableProfiling: true, profileFilePrefix: `/tmp/gqa-exp/prof-${which}`, extra: { ...extra, session: { ...extra.session, model_external_initializers_file_folder_path: dirname(file) } } });
const i64 = (v: number[], d: number[]) => new ort.Tensor('int64', BigInt64Array.from(v.map(BigInt)), d);
const rows = which === 'B' ? context + 64 : context;
const past: Record<string, ort.Tensor> = {}; const fetch: Record<string, ort.Tensor | null> = { logits: null };
for (let l = 0; l < 36; l++) for (const kv of ['key', 'value']) { const t = new ort.Tensor('float32', new Float32Array(2 * rows * 128).fill(0.1), [1, 2, rows, 128]); past[`past_key_values.${l}.${kv}`] = t; fetch[`present.${l}.${kv}`] = t; }
const total = context + 1;
const feeds = { ...past, inputs_embeds: new ort.Tensor('float32', new Float32Array(2048).fill(0.01), [1, 1, 2048]), attention_mask: i64(Array(total).fill(1), [1, total]), position_ids: i64([total - 1, total - 1, total - 1], [3, 1, 1]), num_logits_to_keep: i64([1], []) };
for (let i = 0; i < 4; i++) { const t = performance.now(); if (which === 'B') await s.run(feeds, fetch); else await s.run(feeds); console.log(which, (performance.now() - t).toFixed(0), 'ms'); }
const f = s.endProfiling(); console.log(f);
