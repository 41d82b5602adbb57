import * as tjs from '@huggingface/transformers';
import type { StandInOptions } from '@loupe/models';
import type * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineJob } from '../engine';
import { DecodeLoop } from './decode-loop';
import type { SessionRole } from './loader';
import type { QwenVlEngine } from './qwen-vl-engine';
import { standInWorkshop } from './testing/stand-ins';

/**
 * The engine's own decode loop on the tiny stand-in (its words are noise): same tokens as
 * transformers.js generate(), KV handed from present to past untouched, sampling, stop
 * strings, the logits hook, LOUPE_BENCH_IGNORE_EOS and the per-run meter.
 */
const workshop = standInWorkshop('loupe-vlm-loop-');
async function loaded(options: Partial<StandInOptions> = {}): Promise<QwenVlEngine> {
  const engine = workshop.engine(await workshop.standIn('qwen2_5_vl', options));
  await engine.load();
  return engine;
}
const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#4477aa' } }).png().toBuffer();
const job = (over: Partial<EngineJob> = {}): EngineJob => ({ id: 'j', task: 'describe', images: [], locale: 'en', history: [], maxTokens: 12, ...over });
type Result = Extract<EngineEvent, { type: 'result' }>;
async function answer(engine: QwenVlEngine, j: EngineJob): Promise<{ result: Result; deltas: string[] }> {
  const deltas: string[] = [];
  let result: Result | undefined;
  for await (const e of engine.run(j, new AbortController().signal)) {
    if (e.type === 'delta') deltas.push(e.text);
    else result = e;
  }
  return { result: result!, deltas };
}

interface Runs {
  feeds: Record<SessionRole, Array<Record<string, ort.Tensor>>>;
  outputs: Record<SessionRole, Array<Record<string, ort.Tensor>>>;
}
/** Keeps every feed and output of every session run. */
function record(engine: QwenVlEngine): Runs {
  const { sessions } = engine.internals();
  const runs: Runs = { feeds: { vision_encoder: [], embed_tokens: [], decoder_model_merged: [] }, outputs: { vision_encoder: [], embed_tokens: [], decoder_model_merged: [] } };
  for (const role of Object.keys(sessions) as SessionRole[]) {
    const session = sessions[role];
    const run = session.run.bind(session) as (feeds: Record<string, ort.Tensor>) => Promise<Record<string, ort.Tensor>>;
    session.run = (async (feeds: Record<string, ort.Tensor>) => {
      runs.feeds[role].push(feeds);
      const out = await run(feeds);
      runs.outputs[role].push(out);
      return out;
    }) as typeof session.run;
  }
  return runs;
}

describe('decode loop on the stand-in', () => {
  let engine: QwenVlEngine;
  beforeAll(async () => {
    engine = await loaded();
  }, 120_000);

  it('greedy output equals transformers.js generate() on the same ids and pixels', async () => {
    const runs = record(engine);
    const { result } = await answer(engine, job({ images: [await png(300, 200)], maxTokens: 16 }));
    const ids = runs.feeds.embed_tokens[0]!.input_ids!.data as BigInt64Array;
    const vision = runs.feeds.vision_encoder[0]!;
    const dir = engine.dir!;
    const model = (await tjs.AutoModelForImageTextToText.from_pretrained(dir, { local_files_only: true, device: 'cpu', dtype: 'fp32' })) as unknown as {
      generate(o: Record<string, unknown>): Promise<unknown>;
      dispose(): Promise<unknown>;
    };
    const tokens: number[] = [];
    const streamer = new (class extends tjs.BaseStreamer {
      private prompt = true;
      override put(value: bigint[][]): void {
        if (this.prompt) this.prompt = false;
        else tokens.push(Number(value[0]![0]));
      }
      override end(): void {}
    })();
    const T = tjs.Tensor;
    await model.generate({
      input_ids: new T('int64', ids, [1, ids.length]),
      attention_mask: new T('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
      pixel_values: new T('float32', vision.pixel_values!.data as Float32Array, vision.pixel_values!.dims as number[]),
      image_grid_thw: new T('int64', vision.image_grid_thw!.data as BigInt64Array, [1, 3]),
      max_new_tokens: 16,
      do_sample: false,
      streamer,
    });
    await model.dispose();
    expect(tokens).toHaveLength(16);
    // the loop feeds each token back through embed_tokens: the first 15 are the steps' inputs
    const fedBack = runs.feeds.embed_tokens.slice(1).map((f) => Number((f.input_ids!.data as BigInt64Array)[0]));
    expect(fedBack).toEqual(tokens.slice(0, 15));
    const { processor } = engine.internals();
    expect(result.text).toBe(processor.tokenizer.decode(tokens, { skip_special_tokens: true }));
  }, 120_000);

  it('feeds each present.* output back as the next past input, the same tensor, and looks at one logits row', async () => {
    const runs = record(engine);
    await answer(engine, job({ images: [await png(120, 90)], maxTokens: 5 }));
    const decoder = runs.feeds.decoder_model_merged;
    expect(decoder).toHaveLength(5);
    for (let step = 1; step < decoder.length; step++) {
      for (const name of Object.keys(decoder[step]!).filter((n) => n.startsWith('past_key_values.'))) {
        expect(decoder[step]![name]).toBe(runs.outputs.decoder_model_merged[step - 1]![name.replace('past_key_values.', 'present.')]);
      }
      expect(decoder[step]!.inputs_embeds!.dims).toEqual([1, 1, 32]);
    }
    const prefillLogits = runs.outputs.decoder_model_merged[0]!.logits!;
    expect(prefillLogits.dims[1]).toBe(1);
  });

  it('text-only decode steps continue the positions at S, S+1, … (transformers.js would jump to 2S)', async () => {
    const runs = record(engine);
    await answer(engine, job({ task: 'ask', prompt: 'Hi there', maxTokens: 3 }));
    const S = runs.feeds.embed_tokens[0]!.input_ids!.dims[1]!;
    const steps = runs.feeds.decoder_model_merged.slice(1).map((f) => Array.from(f.position_ids!.data as BigInt64Array, Number));
    expect(steps).toEqual([
      [S, S, S],
      [S + 1, S + 1, S + 1],
    ]);
  });

  it('same seed → same tokens; another seed → others; sampled differs from greedy', async () => {
    const image = await png(100, 100);
    const sampled = async (seed: number) => (await answer(engine, job({ images: [image], maxTokens: 20, sampling: { temperature: 1, topK: 50, seed } }))).result.text;
    const a = await sampled(42);
    expect(await sampled(42)).toBe(a);
    expect(await sampled(43)).not.toBe(a);
    const greedy = (await answer(engine, job({ images: [image], maxTokens: 20 }))).result.text;
    expect(greedy).not.toBe(a);
    expect((await answer(engine, job({ images: [image], maxTokens: 20, sampling: { temperature: 0, seed: 5 } }))).result.text).toBe(greedy);
  });

  it('a stop string ends the answer before it; no delta shows it', async () => {
    const image = await png(100, 100);
    const full = (await answer(engine, job({ images: [image], maxTokens: 24 }))).result.text;
    const stop = full.slice(12, 16);
    expect(stop.trim().length).toBeGreaterThan(0);
    const { result, deltas } = await answer(engine, job({ images: [image], maxTokens: 24, sampling: { stop: [stop, 'never-in-noise'] } }));
    expect(result.text).toBe(full.slice(0, full.indexOf(stop)));
    expect(result.finishReason).toBe('stop');
    expect(deltas.join('')).toBe(result.text);
    expect(result.stats.decodeTokens).toBeLessThan(24);
  });

  it('logits processors from the hook steer every step and see the tokens so far', async () => {
    const forced = [9707, 11, 1879, 0, 220];
    const seen: number[] = [];
    engine.logitsProcessors = () => [
      (logits, generated) => {
        seen.push(generated.length);
        logits.fill(-Infinity);
        logits[forced[generated.length % forced.length]!] = 0;
      },
    ];
    try {
      const { result } = await answer(engine, job({ images: [await png(64, 64)], maxTokens: 5 }));
      const { processor } = engine.internals();
      expect(result.text).toBe(processor.tokenizer.decode(forced, { skip_special_tokens: true }));
      expect(seen).toEqual([0, 1, 2, 3, 4]);
    } finally {
      engine.logitsProcessors = () => [];
    }
  });

  it('timeStep(n) times a step after n rows of (zero) cache: the mask spans n + 1, the past n rows', async () => {
    const runs = record(engine);
    const ms = await new DecodeLoop(engine.internals().sessions, 'image_grid_thw').timeStep(300);
    expect(ms).toBeGreaterThan(0);
    const [first, second] = runs.feeds.decoder_model_merged;
    expect(runs.feeds.decoder_model_merged.length).toBe(2);
    expect(first!.attention_mask!.dims).toEqual([1, 301]);
    expect(first!['past_key_values.0.key']!.dims[2]).toBe(300);
    expect(second!['past_key_values.0.key']!.dims[2]).toBe(301);
  });

  it('stats: real prompt tokens (text + image + history) and a plausible per-step meter', async () => {
    const runs = record(engine);
    const image = await png(280, 140);
    const { result } = await answer(engine, job({ task: 'ask', prompt: 'What is it?', images: [image], maxTokens: 12 }));
    const S = runs.feeds.embed_tokens[0]!.input_ids!.dims[1]!;
    const s = result.stats;
    expect(s.promptTokens).toBe(S);
    expect(s.promptTokens!).toBeGreaterThan(s.visualTokens! + 10);
    const history = await answer(engine, job({ task: 'ask', prompt: 'What is it?', images: [image], maxTokens: 2, history: [{ role: 'user', text: 'Describe the picture in detail please.' }, { role: 'assistant', text: 'A blue rectangle on a plain background.' }] }));
    expect(history.result.stats.promptTokens!).toBeGreaterThan(s.promptTokens! + 10);
    expect(s.decodeTokens).toBe(12);
    expect(s.firstStepMs!).toBeGreaterThan(0);
    expect(s.decodeStepMs!).toBeGreaterThan(0);
    expect(s.stepOutsideRunMs!).toBeGreaterThanOrEqual(0);
    expect(s.stepOutsideRunMs!).toBeLessThan(s.decodeStepMs!);
    // tokens/s and the mean step describe the same 11 steps
    expect(s.tokensPerSecond! * s.decodeStepMs!).toBeGreaterThan(900);
    expect(s.tokensPerSecond! * s.decodeStepMs!).toBeLessThan(1100);
    expect(s.ttftMs!).toBeGreaterThanOrEqual(s.prefillMs!);
  });
});

describe('decoders with and without num_logits_to_keep', () => {
  it('give the same greedy tokens (the last logits row either way) and top-p sampling runs on both', async () => {
    const image = await png(90, 60);
    const texts: string[] = [];
    for (const numLogitsToKeep of [true, false]) {
      const engine = await loaded({ numLogitsToKeep });
      const runs = record(engine);
      texts.push((await answer(engine, job({ images: [image], maxTokens: 6 }))).result.text);
      const S = runs.feeds.embed_tokens[0]!.input_ids!.dims[1]!;
      expect(runs.outputs.decoder_model_merged[0]!.logits!.dims[1]).toBe(numLogitsToKeep ? 1 : S);
      const sampled = await answer(engine, job({ images: [image], maxTokens: 4, sampling: { temperature: 0.7, topP: 0.5, seed: 1 } }));
      expect(sampled.result.stats.decodeTokens).toBe(4);
      await engine.unload();
    }
    expect(texts[1]).toBe(texts[0]);
  }, 120_000);
});

describe('LOUPE_BENCH_IGNORE_EOS', () => {
  it('decodes exactly maxTokens through EOS when set at load; stops at EOS otherwise', async () => {
    const plain = await loaded({ eosAfter: 1 });
    expect((await answer(plain, job({ images: [await png(64, 64)], maxTokens: 9 }))).result).toMatchObject({ finishReason: 'stop', stats: { decodeTokens: 1 } });
    process.env.LOUPE_BENCH_IGNORE_EOS = '1';
    let bench: QwenVlEngine;
    try {
      bench = await loaded({ eosAfter: 1 });
    } finally {
      delete process.env.LOUPE_BENCH_IGNORE_EOS;
    }
    const { result } = await answer(bench, job({ images: [await png(64, 64)], maxTokens: 9 }));
    expect(result).toMatchObject({ finishReason: 'length', stats: { decodeTokens: 9 } });
  }, 120_000);
});
