import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRealDims } from '@loupe/models/real-dims';
import { buildFullStandIn } from '@loupe/models/standin/full/build-full';
import type { EngineEvent, EngineJob } from '../engine';
import { DecodeLoop } from './decode-loop';
import { KV_ROWS } from './kv-form';
import { QwenVlEngine } from './qwen-vl-engine';
import { onSessionRun } from './testing/session-spy';

/** The engine end to end on a decoder whose attention is rewritten at load (real-dims code path, narrow and shallow). */
const root = mkdtempSync(join(tmpdir(), 'loupe-gqa-engine-'));
let engine: QwenVlEngine;
const previousIgnoreEos = process.env.LOUPE_BENCH_IGNORE_EOS;

beforeAll(async () => {
  const real = getRealDims('qwen2.5-vl-3b');
  const dir = join(root, 'm');
  const vision = { ...real.vision, depth: 1, hidden: 64, heads: 1, mlp: 64, outHidden: 256, window: { sizePx: 112, fullBlocks: [0] } };
  await buildFullStandIn(dir, { size: 'qwen2.5-vl-3b', dtype: 'q4', dims: { sources: [], text: { ...real.text, layers: 2, hidden: 256, heads: 4, kvHeads: 2, headDim: 64, mlp: 512 }, vision } });
  process.env.LOUPE_BENCH_IGNORE_EOS = '1'; // every job decodes exactly its maxTokens
  engine = new QwenVlEngine({ home: root, device: 'cpu', model: dir, threads: 1 });
  await engine.load();
}, 180_000);
afterAll(async () => {
  await engine?.unload();
  if (previousIgnoreEos === undefined) delete process.env.LOUPE_BENCH_IGNORE_EOS;
  else process.env.LOUPE_BENCH_IGNORE_EOS = previousIgnoreEos;
  rmSync(root, { recursive: true, force: true });
});

const png = async (w: number, h: number, c: string) => new Uint8Array(await sharp({ create: { width: w, height: h, channels: 3, background: c } }).png().toBuffer());
type Result = Extract<EngineEvent, { type: 'result' }>;
async function collect(job: EngineJob, signal = new AbortController().signal): Promise<{ deltas: number; result?: Result }> {
  let deltas = 0;
  let result: Result | undefined;
  for await (const e of engine.run(job, signal)) {
    if (e.type === 'delta') deltas++;
    else result = e;
  }
  return { deltas, result };
}

describe('qwen-vl engine with the rewritten-attention decoder', () => {
  it('loads the rewritten decoder: its KV inputs are held buffers', () => {
    const past = engine.internals().sessions.decoder_model_merged.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
    expect(past?.isTensor && past.shape[2]).toBe(KV_ROWS.buffer);
  });

  it('timeStep(n) steps after n rows: the past is the held buffer (n rows valid and a masked tail), present.* one new row', async () => {
    const steps: { mask: number; past: number }[] = [];
    onSessionRun(engine, 'decoder_model_merged', (feeds) => steps.push({ mask: feeds.attention_mask!.dims[1]!, past: feeds['past_key_values.0.key']!.dims[2]! }));
    expect(await new DecodeLoop(engine.internals().sessions, 'image_grid_thw').timeStep(700)).toBeGreaterThan(0);
    expect(steps.map((s) => s.mask)).toEqual([701, 702]);
    expect(steps.every((s) => s.past >= 702)).toBe(true);
  });

  it('two images across turns, 300 tokens (past the buffer rows reserved at prefill): every step feeds the mask of the growing context', async () => {
    const masks: number[] = [];
    onSessionRun(engine, 'decoder_model_merged', (feeds) => masks.push(feeds.attention_mask!.dims[1]!));
    const { result } = await collect({
      id: 'turns',
      task: 'ask',
      images: [await png(112, 84, '#3366cc'), await png(56, 168, '#cc3366')],
      newImages: 1,
      prompt: 'and in this one?',
      locale: 'en',
      history: [
        { role: 'user', text: 'what is this?' },
        { role: 'assistant', text: 'a form' },
      ],
      maxTokens: 300,
    });
    expect(result?.stats).toMatchObject({ images: 2, decodeTokens: 300 });
    const prompt = result!.stats.promptTokens!;
    expect(masks.length).toBe(300);
    expect(masks).toEqual(Array.from({ length: 300 }, (_, i) => prompt + i));
  }, 120_000);

  it('cancel mid-decode rejects with AbortError, and the next job runs', async () => {
    const controller = new AbortController();
    let deltas = 0;
    const run = (async () => {
      for await (const e of engine.run({ id: 'c', task: 'describe', images: [await png(64, 64, '#4477aa')], locale: 'en', history: [], maxTokens: 200 }, controller.signal)) {
        if (e.type === 'delta' && ++deltas === 3) controller.abort();
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(deltas).toBeLessThan(10);
    const next = await collect({ id: 'n', task: 'describe', images: [await png(64, 64, '#4477aa')], locale: 'en', history: [], maxTokens: 5 });
    expect(next.result?.stats.decodeTokens).toBe(5);
  }, 120_000);
});
