import { buildStandIn } from '@loupe/models';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineJob } from '../engine';
import { tokenId } from './inputs';
import { QwenVlEngine } from './qwen-vl-engine';

/** A follow-up with a second image reaches the model with both: asserted on the prompt ids and the vision passes, not the words. */
const root = mkdtempSync(join(tmpdir(), 'loupe-vlm-turns-'));
let engine: QwenVlEngine;
beforeAll(async () => {
  await buildStandIn(join(root, 'm'), { family: 'qwen2_5_vl' });
  engine = new QwenVlEngine({ home: root, device: 'cpu', model: join(root, 'm'), threads: 1 });
  await engine.load();
}, 120_000);
afterAll(async () => {
  await engine?.unload();
  rmSync(root, { recursive: true, force: true });
});

const png = async (w: number, h: number, c: string) => new Uint8Array(await sharp({ create: { width: w, height: h, channels: 3, background: c } }).png().toBuffer());

describe('images across turns at the engine input', () => {
  it('each image’s pads sit in its own user turn, one vision pass per image', async () => {
    const { sessions, processor } = engine.internals();
    const embeds: BigInt64Array[] = [];
    const grids: bigint[][] = [];
    const embed = sessions.embed_tokens.run.bind(sessions.embed_tokens);
    const vision = sessions.vision_encoder.run.bind(sessions.vision_encoder);
    sessions.embed_tokens.run = ((feeds: Record<string, ort.Tensor>) => (embeds.push(feeds.input_ids!.data as BigInt64Array), embed(feeds))) as typeof sessions.embed_tokens.run;
    sessions.vision_encoder.run = ((feeds: Record<string, ort.Tensor>) => {
      const grid = Object.entries(feeds).find(([k]) => k.includes('grid'))![1];
      grids.push([...(grid.data as BigInt64Array)]);
      return vision(feeds);
    }) as typeof sessions.vision_encoder.run;
    const job: EngineJob = {
      id: 't',
      task: 'ask',
      images: [await png(112, 84, '#3366cc'), await png(56, 168, '#cc3366')],
      newImages: 1,
      prompt: 'and in this one, where did the button move?',
      locale: 'en',
      history: [
        { role: 'user', text: 'what is this?' },
        { role: 'assistant', text: 'a form' },
      ],
      maxTokens: 2,
    };
    let stats: { images?: number; visualTokens?: number } | undefined;
    for await (const event of engine.run(job, new AbortController().signal)) {
      if (event.type === 'result') stats = event.stats;
    }
    expect(grids).toHaveLength(2);
    const ids = embeds[0]!;
    const pad = BigInt(tokenId(processor, '<|image_pad|>')!);
    const start = BigInt(tokenId(processor, '<|vision_start|>')!);
    // Runs of pads, each right after a <|vision_start|>, sized by its own grid (t·h·w / merge²).
    const runs: Array<{ at: number; length: number }> = [];
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === pad && ids[i - 1] !== pad) runs.push({ at: i, length: 0 });
      if (ids[i] === pad) runs.at(-1)!.length++;
    }
    expect(runs.map((r) => r.length)).toEqual(grids.map(([t, h, w]) => Number(t! * h! * w!) / 4));
    for (const r of runs) expect(ids[r.at - 1]).toBe(start);
    // What a client is told: both images encoded, their pads counted.
    expect(stats).toMatchObject({ images: 2, visualTokens: runs.reduce((n, r) => n + r.length, 0) });
    // The second image comes after the assistant's earlier answer: it belongs to the new turn.
    const text = processor.tokenizer.decode([...ids.subarray(runs[0]!.at + runs[0]!.length, runs[1]!.at)], { skip_special_tokens: false });
    expect(text).toContain('a form');
    expect(text).toContain('<|im_start|>assistant');
  }, 120_000);
});
