import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineEvent, EngineJob } from '../engine';
import { getEngineDefinition } from '../registry';
import { PpOcrEngine } from './ppocr-engine';
import { renderSvgs, textSvg } from './test-render';

let engine: PpOcrEngine;
let image: Buffer;

const job = (over: Partial<EngineJob> = {}): EngineJob => ({ id: 'j1', task: 'ocr', images: [image], locale: 'en', history: [], ...over });

async function collect(events: AsyncIterable<EngineEvent>): Promise<EngineEvent[]> {
  const out: EngineEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

beforeAll(async () => {
  [image] = renderSvgs([textSvg(420, 60, [{ text: 'Loupe reads text', x: 20, y: 38, size: 22 }])]) as [Buffer];
  engine = new PpOcrEngine();
}, 60_000);

afterAll(async () => {
  await engine?.unload();
});

describe('ppocr engine', () => {
  it('registers itself as the ocr engine', () => {
    const def = getEngineDefinition('ppocr');
    expect(def.kind).toBe('ocr');
    expect(def.create({ home: '/tmp', device: 'cpu' })).toBeInstanceOf(PpOcrEngine);
  });

  it('loads, reports its model and capabilities', async () => {
    expect(await engine.load()).toEqual({ id: 'pp-ocrv4', engine: 'ppocr', device: 'cpu', standIn: false });
    expect(engine.capabilities()).toMatchObject({ kind: 'ocr', tasks: ['ocr'], multiImage: false });
  });

  it('runs a job: one delta with the text, then one result with lines', async () => {
    const events = await collect(engine.run(job(), new AbortController().signal));
    expect(events.map((e) => e.type)).toEqual(['delta', 'result']);
    const result = events[1]!;
    if (result.type !== 'result') throw new Error('no result');
    expect(result.text).toBe('Loupe reads text');
    expect(result.finishReason).toBe('stop');
    expect(result.lines).toHaveLength(1);
    expect(result.lines![0]!.box[0]).toBeGreaterThanOrEqual(5);
    expect(result.stats.device).toBe('cpu');
  });

  it('says no_text, with an empty text and no delta, for an image with nothing to read', async () => {
    const [blank] = renderSvgs([textSvg(640, 360, [])]);
    const events = await collect(engine.run(job({ images: [blank!] }), new AbortController().signal));
    expect(events.map((e) => e.type)).toEqual(['result']);
    expect(events[0]).toMatchObject({ type: 'result', text: '', lines: [], no_text: true });
  });

  it('leaves no_text out when there is text', async () => {
    const events = await collect(engine.run(job(), new AbortController().signal));
    expect(events[1]).not.toHaveProperty('no_text');
  });

  it('refuses other tasks and wrong image counts with clear errors', async () => {
    await expect(collect(engine.run(job({ task: 'describe' }), new AbortController().signal))).rejects.toThrow(/only reads text/);
    await expect(collect(engine.run(job({ images: [] }), new AbortController().signal))).rejects.toThrow(/exactly one image/);
  });

  it('honours a cancelled signal', async () => {
    const c = new AbortController();
    c.abort();
    await expect(collect(engine.run(job(), c.signal))).rejects.toThrow(/abort/i);
  });

  it('serves many jobs with bounded memory growth', async () => {
    for (let i = 0; i < 5; i++) await collect(engine.run(job(), new AbortController().signal));
    global.gc?.();
    const before = process.memoryUsage().rss;
    let last = '';
    for (let i = 0; i < 50; i++) {
      const events = await collect(engine.run(job({ id: `j${i}` }), new AbortController().signal));
      const r = events.at(-1)!;
      last = r.type === 'result' ? r.text : '';
    }
    global.gc?.();
    const growthMb = (process.memoryUsage().rss - before) / 1024 / 1024;
    expect(last).toBe('Loupe reads text');
    expect(growthMb).toBeLessThan(150);
  }, 300_000);
});
