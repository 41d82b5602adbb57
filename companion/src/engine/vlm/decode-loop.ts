import * as ort from 'onnxruntime-node';
import { abortError } from './event-queue';
import { kvForm, type KvForm } from './kv-form';
import { floatsToHalf, halfToFloatInto } from './half';
import type { PixelInput, RopePositions } from './inputs';
import { GrowingKv, RowsKv, type KvCache, type PastInput } from './kv-cache';
import { valueType, type VlmSessions } from './loader';

/**
 * The generation loop: vision encoder per image, prefill (token embeddings with the image
 * features in the pad rows) and then one token per decoder step; only the last position's logits
 * row is looked at. The KV cache (kv-cache.ts) follows the decoder's KV form (kv-form.ts): fed
 * back from each step's present.* outputs as exported, or, for the attention rewritten at load, one
 * buffer per layer held here that each step's new rows are appended to.
 */

export interface LoopPrompt {
  ids: BigInt64Array;
  positions: RopePositions;
  images: PixelInput[];
  imageTokenId: number;
  /** Most tokens this run may generate: a short answer gets smaller held KV buffers. */
  maxNewTokens?: number;
}

/** Picks the next token; may change the logits row in place. */
export type PickToken = (logits: Float32Array, generated: readonly number[]) => number;

/** What one run cost, filled while it runs. */
export interface LoopMeter {
  visionEncodeMs: number;
  /** Embedding, merge and the prefill decoder run. */
  prefillMs: number;
  promptTokens: number;
  firstTokenAt?: number;
  lastTokenAt?: number;
  /** Decode steps after the prefill; each spans from one token handed out to the next. */
  steps: number;
  stepWallMs: number;
  /** The part of stepWallMs inside session.run (embed_tokens + decoder). */
  stepRunMs: number;
  firstStepMs?: number;
}

export const newMeter = (): LoopMeter => ({ visionEncodeMs: 0, prefillMs: 0, promptTokens: 0, steps: 0, stepWallMs: 0, stepRunMs: 0 });

/**
 * KV rows reserved for the answer in the 'rows' form's buffers after the prompt, and added at each
 * regrow. Kept small: each step's attention runs (masked) over every row of the buffer; a regrow
 * copies the cache once per this many tokens.
 */
const PREFILL_ANSWER_ROWS = 256;

export class DecodeLoop {
  private readonly past: PastInput[];
  /** How the decoder takes and gives its KV cache (kv-form.ts). */
  readonly kvForm: KvForm;
  private readonly keepLogits: boolean;
  private readonly pixelType: string;
  private readonly gridName: string;
  private mask = new BigInt64Array(0);
  private scratch = new Float32Array(0);

  constructor(
    private readonly sessions: VlmSessions,
    gridInputName: string,
  ) {
    const decoder = sessions.decoder_model_merged;
    this.past = decoder.inputMetadata.flatMap((m): PastInput[] => {
      if (!m.name.startsWith('past_key_values.') || !m.isTensor) return [];
      const [, heads, , dim] = m.shape;
      if (typeof heads !== 'number' || typeof dim !== 'number') {
        throw new Error(`decoder input ${m.name} must be declared [batch, <kv heads>, past_sequence_length, <head dim>] with numeric heads and head dim (found [${m.shape.join(', ')}]); use a transformers.js Qwen-VL export.`);
      }
      return [{ name: m.name, present: m.name.replace(/^past_key_values\./, 'present.'), type: m.type as ort.Tensor.Type, dims: [1, heads, 0, dim] }];
    });
    this.kvForm = kvForm(decoder);
    this.keepLogits = decoder.inputNames.includes('num_logits_to_keep');
    this.pixelType = valueType(sessions.vision_encoder, 'pixel_values', 'input') ?? 'float32';
    this.gridName = sessions.vision_encoder.inputNames.find((n) => n === 'grid_thw' || n === 'image_grid_thw') ?? gridInputName;
  }

  /**
   * Yields generated token ids, one per step, and runs the next step only when asked for the
   * next id: stopping the iteration (EOS, a stop string, cancel) runs no further step.
   */
  async *tokens(prompt: LoopPrompt, pick: PickToken, signal: AbortSignal, meter: LoopMeter): AsyncGenerator<number, void, undefined> {
    const { embed_tokens: embed, decoder_model_merged: decoder } = this.sessions;
    const S = prompt.ids.length;
    meter.promptTokens = S;
    const features = await this.encodeImages(prompt.images, signal, meter);

    if (signal.aborted) throw abortError();
    const prefillStart = performance.now();
    const embeds = (await embed.run({ input_ids: new ort.Tensor('int64', prompt.ids, [1, S]) })).inputs_embeds!;
    if (features.length > 0) mergeFeatures(embeds, features, prompt.ids, BigInt(prompt.imageTokenId));
    const cache = this.newCache(S + Math.min(prompt.maxNewTokens ?? PREFILL_ANSWER_ROWS, PREFILL_ANSWER_ROWS) + 1);
    try {
      let outputs = await cache.run(
        decoder,
        {
          inputs_embeds: embeds,
          attention_mask: this.ones(S),
          position_ids: new ort.Tensor('int64', prompt.positions.positionIds, [3, 1, S]),
          ...this.logitsToKeep(),
        },
        S,
      );
      const generated: number[] = [];
      let token = pick(this.lastLogits(outputs.logits!), generated);
      outputs.logits!.dispose();
      meter.prefillMs = performance.now() - prefillStart;
      generated.push(token);

      let handedOut = performance.now();
      meter.firstTokenAt = meter.lastTokenAt = handedOut;
      for (;;) {
        yield token;
        if (signal.aborted) throw abortError();
        const total = S + generated.length;
        const step = BigInt(total - 1 + prompt.positions.delta);
        const runStart = performance.now();
        const stepEmbeds = (await embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.of(BigInt(token)), [1, 1]) })).inputs_embeds!;
        const feeds = {
          inputs_embeds: stepEmbeds,
          attention_mask: this.ones(total),
          position_ids: new ort.Tensor('int64', BigInt64Array.of(step, step, step), [3, 1, 1]),
          ...this.logitsToKeep(),
        };
        outputs = await cache.run(decoder, feeds, total);
        const runMs = performance.now() - runStart;
        token = pick(this.lastLogits(outputs.logits!), generated);
        outputs.logits!.dispose();
        generated.push(token);
        const now = performance.now();
        const wall = now - handedOut;
        meter.steps++;
        meter.stepWallMs += wall;
        meter.stepRunMs += runMs;
        meter.firstStepMs ??= wall;
        meter.lastTokenAt = handedOut = now;
      }
    } finally {
      cache.release();
    }
  }

  /**
   * The wall time of one decode step (embedding, decoder run, the logits row) after `context`
   * tokens, on a zero-filled cache of that many rows: what a step of an answer at that context
   * costs, its KV reads and copies included. Best of two steps.
   */
  async timeStep(context: number): Promise<number> {
    const { embed_tokens: embed, decoder_model_merged: decoder } = this.sessions;
    const cache = this.newCache(context + 3);
    cache.assumeFilled(context);
    try {
      let best = Infinity;
      for (let total = context + 1; total <= context + 2; total++) {
        const start = performance.now();
        const embeds = (await embed.run({ input_ids: new ort.Tensor('int64', BigInt64Array.of(0n), [1, 1]) })).inputs_embeds!;
        const step = BigInt(total - 1);
        const outputs = await cache.run(decoder, { inputs_embeds: embeds, attention_mask: this.ones(total), position_ids: new ort.Tensor('int64', BigInt64Array.of(step, step, step), [3, 1, 1]), ...this.logitsToKeep() }, total);
        this.lastLogits(outputs.logits!).reduce((a, v) => Math.max(a, v), -Infinity);
        outputs.logits!.dispose();
        best = Math.min(best, performance.now() - start);
      }
      return best;
    } finally {
      cache.release();
    }
  }

  private newCache(rows: number): KvCache {
    return this.kvForm === 'rows' ? new RowsKv(this.past, rows, PREFILL_ANSWER_ROWS) : new GrowingKv(this.past);
  }

  private logitsToKeep(): Record<string, ort.Tensor> {
    return this.keepLogits ? { num_logits_to_keep: new ort.Tensor('int64', BigInt64Array.of(1n), []) } : {};
  }

  /** One vision pass per image (cancel is checked between them), features concatenated. */
  private async encodeImages(images: PixelInput[], signal: AbortSignal, meter: LoopMeter): Promise<ort.Tensor[]> {
    const features: ort.Tensor[] = [];
    for (const image of images) {
      if (signal.aborted) throw abortError();
      const start = performance.now();
      const pixels = this.pixelType === 'float16' ? new ort.Tensor('float16', floatsToHalf(image.data), [image.rows, image.rowLength]) : new ort.Tensor('float32', image.data, [image.rows, image.rowLength]);
      const out = await this.sessions.vision_encoder.run({ pixel_values: pixels, [this.gridName]: new ort.Tensor('int64', BigInt64Array.from(image.grid.map(BigInt)), [1, 3]) });
      features.push(out.image_features!);
      meter.visionEncodeMs += performance.now() - start;
    }
    return features;
  }

  /** The last position's logits as float32, without copying a float32 row. */
  private lastLogits(logits: ort.Tensor): Float32Array {
    const vocab = logits.dims.at(-1)!;
    const rows = logits.data.length / vocab;
    const start = (rows - 1) * vocab;
    if (logits.type === 'float32') return (logits.data as Float32Array).subarray(start, start + vocab);
    if (this.scratch.length !== vocab) this.scratch = new Float32Array(vocab);
    return halfToFloatInto((logits.data as Uint16Array).subarray(start, start + vocab), this.scratch);
  }

  /** An all-ones attention mask of length n, a view on one buffer grown by doubling. */
  private ones(n: number): ort.Tensor {
    if (this.mask.length < n) this.mask = new BigInt64Array(Math.max(n, 2 * this.mask.length, 256)).fill(1n);
    return new ort.Tensor('int64', this.mask.subarray(0, n), [1, n]);
  }
}

/** Copies the image features, in order, into the rows of the image pad tokens (a masked scatter). */
function mergeFeatures(embeds: ort.Tensor, features: ort.Tensor[], ids: BigInt64Array, imageTokenId: bigint): void {
  const hidden = embeds.dims.at(-1)!;
  const target = embeds.data as Float32Array | Uint16Array;
  const pads = ids.reduce((n, id) => (id === imageTokenId ? n + 1 : n), 0);
  const rows = features.reduce((n, f) => n + f.dims[0]!, 0);
  if (pads !== rows) throw new Error(`the prompt has ${pads} image pad tokens but the vision encoder returned ${rows} feature rows`);
  let f = 0;
  let row = 0;
  for (let j = 0; j < ids.length; j++) {
    if (ids[j] !== imageTokenId) continue;
    while (row >= features[f]!.dims[0]!) {
      f++;
      row = 0;
    }
    const source = features[f]!.data as Float32Array | Uint16Array;
    target.set(source.subarray(row * hidden, (row + 1) * hidden), j * hidden);
    row++;
  }
}
