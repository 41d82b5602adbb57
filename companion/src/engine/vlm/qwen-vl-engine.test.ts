// Over 300 lines: every engine behaviour is checked on stand-ins built once for the whole file.
import { familyIds, getFamily, STAND_IN_LABEL } from '@loupe/models';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineJob } from '../engine';
import type { QwenVlEngine } from './qwen-vl-engine';
import { pixelBudgetFor } from './pixel-budget';
import { onSessionRun } from './testing/session-spy';
import { standInWorkshop } from './testing/stand-ins';

/**
 * The engine on stand-in models of every family, on CPU, through the real loader
 * (transformers.js + onnxruntime-node). The stand-in's words are noise; what is checked
 * is the plumbing: positions, pads, streaming, stopping, stats.
 */
const { standIn, engine: newEngine } = standInWorkshop('loupe-vlm-');

async function png(width: number, height: number, colour = '#4477aa'): Promise<Uint8Array> {
  return sharp({ create: { width, height, channels: 3, background: colour } }).png().toBuffer();
}

const job = (over: Partial<EngineJob> = {}): EngineJob => ({ id: 'j', task: 'describe', images: [], locale: 'en', history: [], maxTokens: 12, ...over });

async function collect(engine: QwenVlEngine, j: EngineJob, signal = new AbortController().signal): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  for await (const e of engine.run(j, signal)) events.push(e);
  return events;
}

interface Capture {
  inputIds: bigint[][];
  positionIds: { dims: number[]; data: bigint[] }[];
  grids: bigint[][];
  decoderCalls: number;
}

/** Records what reaches the ONNX sessions: token ids, position ids, vision grids. */
function capture(engine: QwenVlEngine): Capture {
  const c: Capture = { inputIds: [], positionIds: [], grids: [], decoderCalls: 0 };
  const wrap = (name: Parameters<typeof onSessionRun>[1], fn: Parameters<typeof onSessionRun>[2]) => onSessionRun(engine, name, fn);
  wrap('embed_tokens', (f) => c.inputIds.push(Array.from(f.input_ids!.data)));
  wrap('decoder_model_merged', (f) => {
    c.decoderCalls++;
    c.positionIds.push({ dims: [...f.position_ids!.dims], data: Array.from(f.position_ids!.data) });
  });
  wrap('vision_encoder', (f) => {
    const grid = (f.image_grid_thw ?? f.grid_thw)!;
    c.grids.push(Array.from(grid.data));
  });
  return c;
}

/**
 * Independent M-RoPE: text positions run on; an image's tokens get (t, h, w) offsets on a
 * grid of (t, H/merge, W/merge) from the position after the text before it; text after an
 * image restarts at (max position so far) + 1.
 */
function expectedPositions(ids: bigint[], grids: number[][], imagePad: bigint, merge: number): number[][] {
  const t: number[] = [];
  const h: number[] = [];
  const w: number[] = [];
  let next = 0;
  let image = 0;
  for (let i = 0; i < ids.length; ) {
    if (ids[i] !== imagePad) {
      t.push(next);
      h.push(next);
      w.push(next);
      next++;
      i++;
      continue;
    }
    const [gt, gh, gw] = grids[image++]!;
    const H = gh! / merge;
    const W = gw! / merge;
    const start = next;
    let max = start;
    for (let a = 0; a < gt!; a++)
      for (let b = 0; b < H; b++)
        for (let c = 0; c < W; c++) {
          t.push(start + a);
          h.push(start + b);
          w.push(start + c);
          max = Math.max(max, start + a, start + b, start + c);
        }
    i += gt! * H * W;
    next = max + 1;
  }
  return [t, h, w];
}

/** transformers.js' own get_rope_index, on a model object that carries only config.json. */
async function ropeModel(engine: QwenVlEngine): Promise<{ get_rope_index(...args: unknown[]): [{ data: unknown }, unknown] }> {
  const tjs = (await import('@huggingface/transformers')) as unknown as { Qwen2VLForConditionalGeneration: { prototype: object } };
  return Object.assign(Object.create(tjs.Qwen2VLForConditionalGeneration.prototype) as { get_rope_index(...args: unknown[]): [{ data: unknown }, unknown] }, { config: engine.internals().config });
}

const FAMILIES = familyIds();
async function loaded(dir: string, over: Parameters<typeof newEngine>[1] = {}): Promise<QwenVlEngine> {
  const engine = newEngine(dir, over);
  await engine.load();
  return engine;
}

for (const family of FAMILIES) {
  describe(`qwen-vl engine on a ${family} stand-in`, () => {
    let engine: QwenVlEngine;
    beforeAll(async () => {
      engine = await loaded(await standIn(family));
    }, 120_000);

    it('labels itself a stand-in and reports device and dtype', async () => {
      const info = await engine.load();
      expect(info).toMatchObject({ engine: expect.stringContaining('test stand-in — output is noise'), device: 'cpu', dtype: 'fp32', standIn: true });
      expect(info.id).toContain('test stand-in — output is noise');
      // The family's caveats (Qwen3-VL: DeepStack) reach the user, then the stand-in label.
      expect(info.note).toBe([...getFamily(family).caveats, STAND_IN_LABEL].join(' '));
    });

    it('streams deltas then exactly one result, with stats; pads and M-RoPE positions match an independent computation', async () => {
      const c = capture(engine);
      const image = await png(300, 200);
      const events = await collect(engine, job({ images: [image], maxTokens: 8 }));
      const results = events.filter((e) => e.type === 'result');
      expect(results).toHaveLength(1);
      expect(events.at(-1)?.type).toBe('result');
      expect(events.filter((e) => e.type === 'delta').length).toBeGreaterThan(0);
      const result = results[0] as Extract<EngineEvent, { type: 'result' }>;
      expect(events.flatMap((e) => (e.type === 'delta' ? [e.text] : [])).join('')).toBe(result.text);
      expect(result.finishReason).toBe('length');
      expect(result.stats).toMatchObject({ device: 'cpu', dtype: 'fp32', decodeTokens: 8 });
      const s = result.stats;
      for (const k of ['preprocessMs', 'visionEncodeMs', 'prefillMs', 'tokensPerSecond'] as const) expect(s[k], k).toBeGreaterThan(0);
      // The first token comes after the image is prepared and encoded and the prompt prefilled (each rounded to 0.1 ms).
      expect(s.ttftMs).toBeGreaterThanOrEqual(s.preprocessMs! + s.visionEncodeMs! + s.prefillMs! - 0.3);

      const { family: fam } = engine.internals();
      const factor = fam.patchSize * fam.mergeSize;
      // 300×200 at the describe budget: both sides rounded to the factor, no resize beyond that.
      const gridH = (Math.round(200 / factor) * factor) / fam.patchSize;
      const gridW = (Math.round(300 / factor) * factor) / fam.patchSize;
      expect(c.grids).toEqual([[1n, BigInt(gridH), BigInt(gridW)]]);
      const pads = (gridH * gridW) / fam.mergeSize ** 2;
      expect(result.stats.visualTokens).toBe(pads);
      const prompt = c.inputIds[0]!;
      const padId = 151655n;
      expect(prompt.filter((id) => id === padId)).toHaveLength(pads);
      // the image sits between text: system/user text before it, the instruction after it
      const firstPad = prompt.indexOf(padId);
      expect(firstPad).toBeGreaterThan(3);
      expect(prompt.length - (firstPad + pads)).toBeGreaterThan(3);

      const prefill = c.positionIds[0]!;
      expect(prefill.dims).toEqual([3, 1, prompt.length]);
      const expected = expectedPositions(prompt, [[1, gridH, gridW]], padId, fam.mergeSize);
      expect(prefill.data.map(Number)).toEqual(expected.flat());
      // decode steps: every axis continues from max position + 1
      const step1 = c.positionIds[1]!;
      const maxPos = Math.max(...expected.flat());
      expect(step1.data.map(Number)).toEqual([maxPos + 1, maxPos + 1, maxPos + 1]);
      expect(c.positionIds[2]!.data.map(Number)).toEqual([maxPos + 2, maxPos + 2, maxPos + 2]);
    });

    it('agrees with transformers.js get_rope_index for the same ids', async () => {
      const c = capture(engine);
      await collect(engine, job({ images: [await png(120, 90)], maxTokens: 1 }));
      const { family: fam } = engine.internals();
      const model = await ropeModel(engine);
      const { Tensor } = await import('@huggingface/transformers');
      const ids = c.inputIds[0]!;
      const grid = c.grids[0]!;
      const [pos] = model.get_rope_index(new Tensor('int64', BigInt64Array.from(ids), [1, ids.length]), new Tensor('int64', BigInt64Array.from(grid), [1, 3]), null, null);
      const mine = expectedPositions(ids, [grid.map(Number)], 151655n, fam.mergeSize).flat();
      expect(Array.from(pos.data as BigInt64Array).map(Number)).toEqual(mine);
    });
  });
}

describe('qwen-vl engine: multi-image, follow-ups, grounding', () => {
  let engine: QwenVlEngine;
  beforeAll(async () => {
    engine = await loaded(await standIn('qwen2_5_vl'));
  }, 120_000);

  it('compares two images of different sizes: one vision pass each, pads and positions per image', async () => {
    const c = capture(engine);
    const events = await collect(engine, job({ task: 'ask', prompt: 'What differs?', images: [await png(280, 140), await png(112, 224, '#aa3344')], maxTokens: 3 }));
    const result = events.at(-1) as Extract<EngineEvent, { type: 'result' }>;
    expect(result.type).toBe('result');
    // 280×140 → grid 10×20 (50 tokens); 112×224 → grid 16×8 (32 tokens)
    expect(c.grids).toEqual([
      [1n, 10n, 20n],
      [1n, 16n, 8n],
    ]);
    expect(result.stats.visualTokens).toBe(50 + 32);
    const ids = c.inputIds[0]!;
    expect(ids.filter((id) => id === 151655n)).toHaveLength(82);
    expect(ids.filter((id) => id === 151652n)).toHaveLength(2);
    const model = await ropeModel(engine);
    const expected = expectedPositions(
      ids,
      [
        [1, 10, 20],
        [1, 16, 8],
      ],
      151655n,
      2,
    ).flat();
    expect(c.positionIds[0]!.data.map(Number)).toEqual(expected);
    const { Tensor } = await import('@huggingface/transformers');
    const [pos] = model.get_rope_index(new Tensor('int64', BigInt64Array.from(ids), [1, ids.length]), new Tensor('int64', BigInt64Array.from([1n, 10n, 20n, 1n, 16n, 8n]), [2, 3]), null, null);
    expect(Array.from(pos.data as BigInt64Array).map(Number)).toEqual(expected);
  });

  it('rebuilds a follow-up conversation with the image in the first user turn', async () => {
    const c = capture(engine);
    await collect(
      engine,
      job({
        task: 'ask',
        prompt: 'And the colour?',
        images: [await png(100, 100)],
        history: [
          { role: 'user', text: 'What is this shape?' },
          { role: 'assistant', text: 'A square.' },
        ],
        maxTokens: 1,
      }),
    );
    const { processor } = engine.internals();
    const text = processor.tokenizer.decode(c.inputIds[0]!.map(Number), { skip_special_tokens: false });
    const order = ['<|vision_start|>', 'What is this shape?', 'A square.', 'And the colour?'].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text.split('<|vision_start|>')).toHaveLength(2);
  });

  it('answers a text-only question (no image) with text positions only', async () => {
    const c = capture(engine);
    const events = await collect(engine, job({ task: 'ask', prompt: 'Hello?', images: [], maxTokens: 2 }));
    expect(events.at(-1)?.type).toBe('result');
    expect(c.grids).toHaveLength(0);
    const n = c.inputIds[0]!.length;
    expect(c.positionIds[0]!.data.map(Number)).toEqual([0, 1, 2].flatMap(() => Array.from({ length: n }, (_, i) => i)));
  });

  it('ground reads the boxes the model writes, in original pixels, and needs an image', async () => {
    // A stand-in that keeps writing one box: 280×140 is fed unresized, so Qwen2.5's absolute
    // coordinates come back as they were written.
    const said = '{"bbox_2d": [10, 20, 110, 60], "label": "dot"} ';
    const ids = Array.from(engine.internals().processor.tokenizer(said, { add_special_tokens: false }).input_ids.data as ArrayLike<bigint>, Number);
    const boxer = await loaded(await standIn('qwen2_5_vl', { repeatTokens: ids }));
    const events = await collect(boxer, job({ task: 'ground', prompt: 'the dot', images: [await png(280, 140)], maxTokens: ids.length * 3 }));
    const result = events.at(-1) as Extract<EngineEvent, { type: 'result' }>;
    expect(result.text).toContain(said.trim());
    expect(result.boxes?.length).toBeGreaterThan(0);
    for (const b of result.boxes!) expect(b).toEqual({ label: 'dot', box: [10, 20, 110, 60] });
    expect((await collect(engine, job({ images: [await png(280, 140)], maxTokens: 2 }))).at(-1)).not.toHaveProperty('boxes');
    await expect(collect(engine, job({ task: 'describe', images: [] }))).rejects.toThrow(/needs an image/);
  }, 120_000);

  it('region crop and a 4K capture stay within the task budget', async () => {
    const c = capture(engine);
    const big = await sharp({ create: { width: 3840, height: 2160, channels: 3, background: '#ffffff' } }).jpeg().toBuffer();
    const events = await collect(engine, job({ task: 'ocr', images: [big], maxTokens: 1 }));
    const result = events.at(-1) as Extract<EngineEvent, { type: 'result' }>;
    const [, gh, gw] = c.grids[0]!.map(Number);
    expect(gh! * 14 * gw! * 14).toBeLessThanOrEqual(1_500_000);
    expect(result.stats.visualTokens).toBe((gh! * gw!) / 4);
    const c2 = capture(engine);
    await collect(engine, job({ task: 'describe', images: [big], region: { x: 100, y: 100, width: 560, height: 280 }, maxTokens: 1 }));
    expect(c2.grids[0]).toEqual([1n, 20n, 40n]);
    // On the CPU Ask gets describe's budget (pixel-budget.ts), not its 1 MP GPU one.
    const c3 = capture(engine);
    await collect(engine, job({ task: 'ask', prompt: 'What is it?', images: [big], maxTokens: 1 }));
    const [, ah, aw] = c3.grids[0]!.map(Number);
    expect(ah! * 14 * aw! * 14).toBeLessThanOrEqual(pixelBudgetFor.describe);
    expect(ah! * 14 * aw! * 14).toBeGreaterThan(0.8 * pixelBudgetFor.describe);
  });

  it('cancel mid-decode stops within one decode step', async () => {
    const c = capture(engine);
    const controller = new AbortController();
    const deltas: string[] = [];
    let callsAtAbort = 0;
    const run = (async () => {
      for await (const e of engine.run(job({ images: [await png(64, 64)], maxTokens: 200 }), controller.signal)) {
        if (e.type === 'delta') {
          deltas.push(e.text);
          if (deltas.length === 3) {
            callsAtAbort = c.decoderCalls;
            controller.abort();
          }
        }
      }
    })();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(c.decoderCalls - callsAtAbort).toBeLessThanOrEqual(1);
    expect(c.decoderCalls).toBeLessThan(50);
    // and the engine serves the next job
    const next = await collect(engine, job({ images: [await png(64, 64)], maxTokens: 2 }));
    expect(next.at(-1)?.type).toBe('result');
  });
});

describe('qwen-vl engine: a consumer that stops reading', () => {
  it('stops the model at its next step and frees the engine', async () => {
    const engine = await loaded(await standIn('qwen3_vl'));
    const c = capture(engine);
    let deltas = 0;
    for await (const e of engine.run(job({ images: [await png(64, 64)], maxTokens: 300 }), new AbortController().signal)) {
      if (e.type === 'delta' && ++deltas === 2) break;
    }
    const callsAfterBreak = c.decoderCalls;
    expect(callsAfterBreak).toBeLessThan(10);
    const next = await collect(engine, job({ images: [await png(64, 64)], maxTokens: 2 }));
    expect(next.at(-1)?.type).toBe('result');
    expect(c.decoderCalls - callsAfterBreak).toBe(2);
  }, 120_000);
});

describe('qwen-vl engine: stopping', () => {
  it('EOS ends the answer with finishReason stop', async () => {
    const plain = await loaded(await standIn('qwen2_vl'));
    const c = capture(plain);
    const image = await png(120, 120);
    await collect(plain, job({ images: [image], maxTokens: 1 }));
    const promptLength = c.inputIds[0]!.length;
    await plain.unload();
    const eos = await loaded(await standIn('qwen2_vl', { eosAfter: promptLength + 4 }));
    const events = await collect(eos, job({ images: [image], maxTokens: 50 }));
    const result = events.at(-1) as Extract<EngineEvent, { type: 'result' }>;
    expect(result.finishReason).toBe('stop');
    expect(result.stats.decodeTokens).toBe(5);
  }, 120_000);

  it('an empty answer (EOS as the first token) ends normally for every task: empty text, no boxes', async () => {
    const engine = await loaded(await standIn('qwen2_5_vl', { eosAfter: 1 }));
    const image = await png(120, 120);
    for (const task of ['describe', 'ocr', 'code', 'ask', 'ground'] as const) {
      const events = await collect(engine, job({ task, prompt: 'the square', images: [image], maxTokens: 20 }));
      expect(events.filter((e) => e.type === 'delta')).toEqual([]);
      const result = events.at(-1) as Extract<EngineEvent, { type: 'result' }>;
      expect(result).toMatchObject({ type: 'result', text: '', finishReason: 'stop' });
      expect(result.stats.decodeTokens).toBe(1);
      if (task === 'ground') expect(result.boxes).toEqual([]);
    }
  }, 120_000);

  it('a looping model is stopped by the repetition guard', async () => {
    const engine = await loaded(await standIn('qwen2_5_vl', { repeatTokens: [9707, 11, 1879, 13] }));
    const events = await collect(engine, job({ images: [await png(64, 64)], maxTokens: 1000 }));
    const result = events.at(-1) as Extract<EngineEvent, { type: 'result' }>;
    expect(result.finishReason).toBe('repetition');
    expect(result.stats.decodeTokens).toBeLessThan(400);
  }, 120_000);
});
