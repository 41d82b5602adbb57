import type { Done, ServerMessage } from '@loupe/shared';
import { isTerminal } from '@loupe/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobService } from './job-service';
import { RecordingSink, doubleService, settled, submitJob, testPng } from './test-support';

let service: JobService;

beforeAll(async () => {
  service = await doubleService({ limits: { perClientJobs: 4, globalQueue: 10, imageBytes: 2_000_000 } });
  await settled(service);
}, 120_000);
afterAll(async () => {
  await service?.close();
}, 30_000);

const types = (ms: ServerMessage[]) => ms.map((m) => m.type);

/**
 * The queue over real engine host processes (the engine double): what crosses the process
 * boundary. Admission and dispatch themselves are tested on fake lanes (admission.test.ts,
 * queue-service.test.ts).
 */
describe('job service on real engine hosts', () => {
  it('routes by task, streams deltas, and ends with done carrying model and queue/total stats', async () => {
    const sink = new RecordingSink();
    await submitJob(service, 'c-route', sink, { id: 'd1', task: 'describe' });
    await submitJob(service, 'c-route', sink, { id: 'o1', task: 'ocr' });
    const d = (await sink.terminal('d1')) as Done;
    const o = (await sink.terminal('o1')) as Done;
    expect(d.type).toBe('done');
    expect(d.model.engine).toBe('test-vlm');
    expect(d.text).toMatch(/^describe\|images=\d+\|history=0/);
    expect(o.model.engine).toBe('test-ocr');
    expect(o.lines?.[0]?.text).toBe(o.text);
    for (const done of [d, o]) {
      expect(done.stats.queueMs).toBeGreaterThanOrEqual(0);
      expect(done.stats.totalMs).toBeGreaterThanOrEqual(done.stats.queueMs!);
    }
    expect(types(sink.of('d1'))[0]).toBe('queued');
    expect(types(sink.of('d1'))).toContain('started');
    expect(sink.of('d1').filter((m) => m.type === 'delta').map((m) => (m as { text: string }).text).join('')).toBe(`${d.text}|`);
    expect(sink.of('d1').find((m) => m.type === 'started')).toMatchObject({ model: { id: 'test-vlm-model' } });
  });

  it('cancels a streaming job mid-stream with exactly one terminal and no text after it', async () => {
    const sink = new RecordingSink();
    await submitJob(service, 'c-stream', sink, { id: 's1', task: 'ask', prompt: 'stream 200 20' });
    await sink.until((ms) => ms.filter((m) => m.type === 'delta').length >= 2, 'two deltas');
    service.cancel('c-stream', 's1');
    await sink.terminal('s1');
    await new Promise((r) => setTimeout(r, 150));
    const msgs = sink.of('s1');
    expect(msgs.at(-1)).toEqual({ type: 'cancelled', id: 's1' });
    expect(sink.terminals('s1')).toHaveLength(1);
  });

  it('passes engine errors through with their code', async () => {
    const sink = new RecordingSink();
    await submitJob(service, 'c-err', sink, { id: 'e1', task: 'describe', prompt: 'throw' });
    await submitJob(service, 'c-err', sink, { id: 'e2', task: 'describe', prompt: 'reject-image' });
    expect(await sink.terminal('e1')).toMatchObject({ type: 'error', code: 'internal', message: expect.stringMatching(/failed on purpose/) });
    expect(await sink.terminal('e2')).toMatchObject({ type: 'error', code: 'unsupported_image', hint: 'Send another image.' });
  });

  it('reports engines, queue and memory in status', () => {
    const status = service.status();
    expect(status.engines.map((e) => [e.name, e.kind, e.state])).toEqual([
      ['test-ocr', 'ocr', 'ready'],
      ['test-vlm', 'vlm', 'ready'],
    ]);
    expect(status.engines[1]!.tasks).toContain('describe');
    expect(status.engines[1]!.model?.standIn).toBe(true);
    expect(status.memory.rssMb).toBeGreaterThan(0);
    expect(status.memory.freeRamMb).toBeGreaterThan(0);
  });
});

describe('exactly one terminal message per job', () => {
  it('holds under random interleavings of submits, cancels and disconnects', async () => {
    let seed = 12345;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const prompts = [undefined, 'stream 5 3', 'stream 2 0', 'hang', 'throw', 'reject-image'];
    const sinks = new Map<string, RecordingSink>();
    const submitted: Array<{ client: string; id: string; sink: RecordingSink }> = [];
    const badPng = (await testPng()).subarray(0, 30);
    for (let step = 0; step < 160; step++) {
      const client = `r${Math.floor(rand() * 5)}`;
      const sink = sinks.get(client) ?? new RecordingSink();
      sinks.set(client, sink);
      const r = rand();
      if (r < 0.55) {
        const id = `j${step}`;
        const prompt = pick(prompts);
        const image = rand() < 0.1 ? [badPng] : undefined;
        await submitJob(service, client, sink, { id, task: pick(['describe', 'ocr', 'ask'] as const), ...(prompt ? { prompt } : {}) }, image);
        submitted.push({ client, id, sink });
      } else if (r < 0.85 && submitted.length) {
        const j = pick(submitted);
        service.cancel(j.client, j.id);
      } else if (r < 0.92) {
        service.disconnect(client);
      }
      if (rand() < 0.3) await new Promise((res) => setTimeout(res, Math.floor(rand() * 15)));
    }
    for (const client of sinks.keys()) service.disconnect(client);
    for (const j of submitted) await j.sink.terminal(j.id);
    await new Promise((r) => setTimeout(r, 300));
    for (const j of submitted) {
      const msgs = j.sink.of(j.id);
      expect(msgs.filter(isTerminal), `${j.id}: ${JSON.stringify(types(msgs))}`).toHaveLength(1);
      expect(isTerminal(msgs.at(-1)!), `${j.id} has messages after its terminal`).toBe(true);
    }
    // The service is still healthy afterwards.
    const sink = new RecordingSink();
    await submitJob(service, 'after', sink, { id: 'z', task: 'describe' });
    expect((await sink.terminal('z')).type).toBe('done');
  });

});
