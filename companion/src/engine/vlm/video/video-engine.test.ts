import * as tjs from '@huggingface/transformers';
import { buildStandIn, type FamilyId } from '@loupe/models';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineJob } from '../../engine';
import { QwenVlEngine } from '../qwen-vl-engine';

/**
 * Video jobs on stand-ins of every family, through the real loader and sessions: what reaches the
 * vision encoder (one video grid, frames paired into temporal patches) and the decoder (video pads,
 * the family's timestamps, M-RoPE positions as transformers.js' get_rope_index gives them).
 */
const root = mkdtempSync(join(tmpdir(), 'loupe-video-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const VIDEO_PAD = 151656n;
const IMAGE_PAD = 151655n;
const VISION_START = 151652n;

const frame = (i: number) => sharp({ create: { width: 160, height: 120, channels: 3, background: { r: 40 * i, g: 100, b: 200 - 30 * i } } }).jpeg().toBuffer();

interface Seen {
  ids: bigint[];
  positions: number[];
  grids: bigint[][];
  pixelDims: number[][];
}
function capture(engine: QwenVlEngine): Seen {
  const { sessions } = engine.internals();
  const seen: Seen = { ids: [], positions: [], grids: [], pixelDims: [] };
  const wrap = (name: keyof typeof sessions, fn: (feeds: Record<string, { dims: readonly number[]; data: ArrayLike<bigint> }>) => void) => {
    const session = sessions[name];
    const run = session.run.bind(session) as (...args: unknown[]) => ReturnType<typeof session.run>;
    session.run = ((feeds: never, ...rest: unknown[]) => {
      fn(feeds);
      return run(feeds, ...rest);
    }) as typeof session.run;
  };
  wrap('embed_tokens', (f) => void (seen.ids.length === 0 && (seen.ids = Array.from(f.input_ids!.data))));
  wrap('decoder_model_merged', (f) => void (seen.positions.length === 0 && (seen.positions = Array.from(f.position_ids!.data, Number))));
  wrap('vision_encoder', (f) => {
    seen.grids.push(Array.from((f.image_grid_thw ?? f.grid_thw)!.data));
    seen.pixelDims.push([...f.pixel_values!.dims]);
  });
  return seen;
}

type Rope = { get_rope_index(ids: unknown, image: unknown, video: unknown, mask: unknown): [{ data: BigInt64Array }, unknown] };
function tjsRope(engine: QwenVlEngine, ids: bigint[], videoGrids: number[][]): number[] {
  const model = Object.assign(Object.create((tjs as unknown as { Qwen2VLForConditionalGeneration: { prototype: object } }).Qwen2VLForConditionalGeneration.prototype) as Rope, { config: engine.internals().config });
  const S = ids.length;
  const [pos] = model.get_rope_index(new tjs.Tensor('int64', BigInt64Array.from(ids), [1, S]), null, new tjs.Tensor('int64', BigInt64Array.from(videoGrids.flat().map(BigInt)), [videoGrids.length, 3]), null);
  return Array.from(pos.data, Number);
}

const engines: QwenVlEngine[] = [];
afterAll(async () => Promise.all(engines.map((e) => e.unload())));

for (const family of ['qwen2_vl', 'qwen2_5_vl', 'qwen3_vl'] as FamilyId[]) {
  describe(`video on the ${family} stand-in`, () => {
    let engine: QwenVlEngine;
    let frames: Uint8Array[];
    beforeAll(async () => {
      const dir = join(root, family);
      await buildStandIn(dir, { family });
      engine = new QwenVlEngine({ home: root, device: 'cpu', model: dir, threads: 1 });
      engines.push(engine);
      await engine.load();
      frames = await Promise.all([0, 1, 2, 3, 4].map(frame));
    }, 120_000);

    it('five frames → three temporal patches in one video grid, video pads, positions as the family expects', async () => {
      const seen = capture(engine);
      const times = [0, 1, 2, 3, 4];
      const job: EngineJob = { id: 'v', task: 'describe', images: frames, locale: 'en', history: [], maxTokens: 2, video: { frameTimes: times, duration: 5, source: 'file' } };
      const events: EngineEvent[] = [];
      for await (const e of engine.run(job, new AbortController().signal)) events.push(e);
      const result = events.at(-1) as Extract<EngineEvent, { type: 'result' }>;
      expect(result.type).toBe('result');
      const { family: fam, processor } = engine.internals();
      const P = fam.patchSize;
      // 160×120 at its own size (under the per-frame cap), in multiples of patch × merge.
      const factor = P * 2;
      const [w, h] = [Math.round(160 / factor) * factor, Math.round(120 / factor) * factor];
      const [gh, gw] = [h / P, w / P];
      expect(seen.grids).toEqual([[3n, BigInt(gh), BigInt(gw)]]);
      expect(seen.pixelDims).toEqual([[3 * gh * gw, 3 * 2 * P * P]]);
      const perPatch = (gh * gw) / 4;
      expect(seen.ids.filter((id) => id === VIDEO_PAD)).toHaveLength(3 * perPatch);
      expect(seen.ids.filter((id) => id === IMAGE_PAD)).toHaveLength(0);
      expect(result.stats.visualTokens).toBe(3 * perPatch);
      expect(result.stats.videoFrames).toBe(5);
      expect(result.stats.videoFrameTimes).toEqual(times);
      const text = processor.tokenizer.decode(seen.ids, { skip_special_tokens: false });
      expect(text).toMatch(/mm:ss/);
      const S = seen.ids.length;
      if (family === 'qwen3_vl') {
        // A timestamp per temporal patch (mean of its two frames; the odd last frame stands alone), each its own vision block.
        expect(text).toContain('<0.5 seconds><|vision_start|>');
        expect(text).toContain('<2.5 seconds><|vision_start|>');
        expect(text).toContain('<4.0 seconds><|vision_start|>');
        expect(seen.ids.filter((id) => id === VISION_START)).toHaveLength(3);
        expect(seen.positions).toEqual(tjsRope(engine, seen.ids, [[1, gh, gw], [1, gh, gw], [1, gh, gw]]));
      } else {
        expect(text).not.toMatch(/seconds>/);
        expect(seen.ids.filter((id) => id === VISION_START)).toHaveLength(1);
        const ref = tjsRope(engine, seen.ids, [[3, gh, gw]]);
        if (family === 'qwen2_vl') {
          expect(seen.positions).toEqual(ref);
        } else {
          // Qwen2.5-VL: frames 1 s apart → 2 s per temporal patch × tokens_per_second 2 = 4 positions per patch.
          const first = seen.ids.indexOf(VIDEO_PAD);
          const base = seen.positions[first]!;
          const patchT = [0, 1, 2].map((g) => seen.positions[first + g * perPatch]! - base);
          expect(patchT).toEqual([0, 4, 8]);
          // h and w rows are transformers.js' own.
          for (let j = first; j < first + 3 * perPatch; j++) {
            expect(seen.positions[S + j]).toBe(ref[S + j]);
            expect(seen.positions[2 * S + j]).toBe(ref[2 * S + j]);
          }
        }
      }
    });

    it('refuses a video for OCR with a one-line reason', async () => {
      const job: EngineJob = { id: 'v2', task: 'ocr', images: frames.slice(0, 2), locale: 'en', history: [], video: { frameTimes: [0, 1] } };
      const run = async () => {
        for await (const _ of engine.run(job, new AbortController().signal)) void _;
      };
      await expect(run()).rejects.toThrow(/reads one still image, not a video/);
    });
  });
}
