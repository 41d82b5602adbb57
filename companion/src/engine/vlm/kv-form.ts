import type * as ort from 'onnxruntime-node';

/**
 * The KV I/O forms a decoder session can have, and how to tell them apart from its metadata: the
 * one definition the rewrite (gqa-rewrite.ts) declares and the cache (kv-cache.ts) follows.
 *
 * - 'exported' (the transformers.js contract): past_key_values.{i}.key/value [B, kv heads, past,
 *   head dim] in; present.{i}.* [B, kv heads, past + new, head dim] out, fed back as the next past.
 * - 'rows' (the rewritten attention): past_key_values.{i}.* is a buffer [1, kv heads,
 *   KV_ROWS.buffer, head dim] the caller owns, of which the first (attention_mask length − new
 *   rows) rows per head are the past; the rows after them are ignored (masked). present.{i}.* are
 *   only this run's new rows [1, kv heads, KV_ROWS.present, head dim] (after the model's rotary and
 *   norms), which the caller appends to its buffer. The prefill's past may be zero rows.
 *
 * Why not one buffer as both past input and present output: onnxruntime-node copies every output
 * into a fresh ArrayBuffer, pre-allocated ones included, so an output spanning the whole cache costs
 * a copy of the whole cache per step; inputs are read where they lie.
 */
export type KvForm = 'exported' | 'rows';

/** The names of the KV axis in the 'rows' form: the buffer's rows (past inputs), the new rows (present outputs). */
export const KV_ROWS = { buffer: 'loupe_kv_buffer_rows', present: 'loupe_kv_new_rows' } as const;

export function kvForm(decoder: Pick<ort.InferenceSession, 'inputMetadata'>): KvForm {
  const past = decoder.inputMetadata.find((m) => m.name.startsWith('past_key_values.'));
  return past?.isTensor && past.shape[2] === KV_ROWS.buffer ? 'rows' : 'exported';
}
