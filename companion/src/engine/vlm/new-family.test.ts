import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildStandIn, registerFamily } from '@loupe/models';
import { HYPO_SYSTEM_TURN, HYPOTHETICAL_FAMILY as HYPO } from '@loupe/models/testing/hypothetical-family';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineJob } from '../engine';
import { OpenAiRemoteEngine } from '../remote/openai-remote-engine';
import { remoteImages } from '../remote/remote-images';
import { startFakeOpenAi, type FakeOpenAi } from '../remote/testing/fake-openai';
import { QwenVlEngine } from './qwen-vl-engine';

/**
 * Adding a family is one entry in models/src/families/table.ts: a hypothetical family, registered
 * here and nowhere else, is loaded, prompted, patchified and grounded by both engines from its
 * entry alone (patch 12 → images in multiples of 24, `grid_thw`, box-token grounding in pixels).
 */
const root = mkdtempSync(join(tmpdir(), 'loupe-new-family-'));
let remove: () => void;
beforeAll(() => {
  remove = registerFamily(HYPO);
});
afterAll(() => {
  remove();
  rmSync(root, { recursive: true, force: true });
});

const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: '#4477aa' } }).png().toBuffer();
const job = (over: Partial<EngineJob>): EngineJob => ({ id: 'j', task: 'describe', images: [], locale: 'en', history: [], maxTokens: 4, ...over });
async function collect(events: AsyncIterable<EngineEvent>): Promise<EngineEvent[]> {
  const out: EngineEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

describe('the local engine on a stand-in of a registered hypothetical family', () => {
  let engine: QwenVlEngine;
  beforeAll(async () => {
    const dir = join(root, 'hypo');
    await buildStandIn(dir, { family: HYPO.id });
    engine = new QwenVlEngine({ home: root, device: 'cpu', model: dir, threads: 1 });
    await engine.load();
  }, 120_000);
  afterAll(() => engine.unload());

  it('loads it as that family and tells its caveats', async () => {
    expect(engine.internals().family).toBe(HYPO);
    expect((await engine.load()).note).toContain(HYPO.caveats[0]);
  });

  it('feeds the vision encoder its grid input and patch rows, and prompts through its chat template', async () => {
    const { sessions, processor } = engine.internals();
    const feeds: Array<Record<string, { dims: readonly number[]; data: ArrayLike<unknown> }>> = [];
    const ids: bigint[][] = [];
    for (const [name, sink] of [['vision_encoder', (f: (typeof feeds)[number]) => feeds.push(f)], ['embed_tokens', (f: (typeof feeds)[number]) => ids.push(Array.from(f.input_ids!.data as BigInt64Array))]] as const) {
      const session = sessions[name];
      const run = session.run.bind(session);
      session.run = ((f: never, ...rest: never[]) => (sink(f), run(f, ...rest))) as typeof session.run;
    }
    // 288×192 is 12×8 units of 24 px (patch 12 × merge 2): a 16×24 patch grid, 96 visual tokens.
    await collect(engine.run(job({ images: [await png(288, 192)] }), new AbortController().signal));
    expect(Object.keys(feeds[0]!).sort()).toEqual(['grid_thw', 'pixel_values']);
    expect(Array.from(feeds[0]!.grid_thw!.data as BigInt64Array)).toEqual([1n, 16n, 24n]);
    expect(feeds[0]!.pixel_values!.dims).toEqual([16 * 24, 3 * 2 * 12 * 12]);
    expect(ids[0]!.filter((id) => id === 151655n)).toHaveLength(96);
    expect(processor.tokenizer.decode(ids[0]!)).toContain(HYPO_SYSTEM_TURN);

    const groundPrompt = ids.length; // one embed_tokens call per step: the next one is the prompt
    await collect(engine.run(job({ task: 'ground', prompt: 'the door', images: [await png(288, 192)] }), new AbortController().signal));
    expect(processor.tokenizer.decode(ids[groundPrompt]!)).toContain('Find the location of <|object_ref_start|>the door<|object_ref_end|>');
  }, 60_000);
});

describe('the remote engine serving a model of the hypothetical family', () => {
  let remote: FakeOpenAi;
  beforeAll(async () => {
    remote = await startFakeOpenAi({
      models: { '/v1': ['Org/Hypo-VL-7B'] },
      reply: (_body, sse) => {
        sse.chunk({ content: '<|object_ref_start|>the door<|object_ref_end|><|box_start|>(24,12),(120,60)<|box_end|>' });
        sse.chunk({}, 'stop');
        sse.end();
      },
    });
  });
  afterAll(() => remote.close());

  it('asks in its grounding format and maps the boxes by its convention (absolute pixels, not 0–1000)', async () => {
    const engine = new OpenAiRemoteEngine({ home: root, device: 'auto', backend: { kind: 'openai', baseUrl: remote.baseUrl } });
    await engine.load();
    const events = await collect(engine.run(job({ task: 'ground', prompt: 'the door', images: [await png(288, 192)] }), new AbortController().signal));
    const { messages } = remote.requests.at(-1)!.body as { messages: Array<{ content: Array<{ type: string; text?: string }> }> };
    expect(messages.at(-1)!.content.find((p) => p.type === 'text')!.text).toBe('Find the location of <|object_ref_start|>the door<|object_ref_end|>');
    expect((events.at(-1) as Extract<EngineEvent, { type: 'result' }>).boxes).toEqual([{ label: 'the door', box: [24, 12, 120, 60] }]);
  });

  it('shrinks a cropped region to multiples of its patch × merge (24), not Qwen2.5-VL’s 28', async () => {
    const [image] = await remoteImages(job({ task: 'ground', images: [await png(600, 400)], region: { x: 0, y: 0, width: 250, height: 130 } }), HYPO);
    expect(image!.frame.resized).toEqual({ width: 240, height: 120 });
  });
});
