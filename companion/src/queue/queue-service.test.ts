import type { Done, ErrorReply, ServerMessage } from '@loupe/shared';
import { isTerminal, SubmitJob } from '@loupe/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharp } from '../intake/sharp';
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

/** Occupies the VLM lane until cancelled; returns the cancel function. */
async function blockVlm(clientId: string): Promise<{ sink: RecordingSink; release(): Promise<void> }> {
  const sink = new RecordingSink();
  await submitJob(service, clientId, sink, { id: 'blocker', task: 'describe', prompt: 'hang' });
  await sink.started('blocker');
  return {
    sink,
    release: async () => {
      service.cancel(clientId, 'blocker');
      await sink.terminal('blocker');
    },
  };
}

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

  it('keeps OCR and VLM in separate lanes: OCR finishes while the VLM is busy', async () => {
    const blocker = await blockVlm('c-lanes');
    const sink = new RecordingSink();
    await submitJob(service, 'c-lanes-2', sink, { id: 'o2', task: 'ocr' });
    expect((await sink.terminal('o2')).type).toBe('done');
    expect(blocker.sink.terminals('blocker')).toHaveLength(0);
    await blocker.release();
  });

  it('serves clients round-robin and reports queue positions that only go down', async () => {
    const blocker = await blockVlm('c-fair-0');
    const a = new RecordingSink();
    const b = new RecordingSink();
    const order: string[] = [];
    const track = (sink: RecordingSink) => {
      const send = sink.send.bind(sink);
      sink.send = (m) => {
        if (m.type === 'started') order.push(m.id);
        send(m);
      };
    };
    track(a);
    track(b);
    for (const id of ['a1', 'a2', 'a3']) await submitJob(service, 'c-fair-a', a, { id, task: 'describe' });
    await a.until((ms) => ms.filter((m) => m.type === 'queued').length >= 3, 'a queued');
    await submitJob(service, 'c-fair-b', b, { id: 'b1', task: 'describe' });
    await b.until((ms) => ms.some((m) => m.type === 'queued'), 'b queued');
    expect(b.of('b1')[0]).toEqual({ type: 'queued', id: 'b1', position: 1 });
    await blocker.release();
    await Promise.all([a.terminal('a3'), b.terminal('b1')]);
    expect(order).toEqual(['a1', 'b1', 'a2', 'a3']);
    for (const id of ['a1', 'a2', 'a3']) {
      const positions = a.of(id).filter((m) => m.type === 'queued').map((m) => (m as { position: number }).position);
      expect(positions.length).toBeGreaterThan(0);
      for (let i = 1; i < positions.length; i++) expect(positions[i]).toBeLessThan(positions[i - 1]!);
      expect(positions.at(-1)).toBe(0);
    }
    // a3 was pushed back by b1 but never told a higher number.
    expect(a.of('a3').filter((m) => m.type === 'queued').map((m) => (m as { position: number }).position)).toEqual([2, 1, 0]);
  });

  it('cancels a queued job (it never starts) and a running one (the lane is freed)', async () => {
    const blocker = await blockVlm('c-cancel');
    const sink = new RecordingSink();
    await submitJob(service, 'c-cancel-2', sink, { id: 'q1', task: 'describe' });
    await sink.until((ms) => ms.some((m) => m.type === 'queued'), 'queued');
    service.cancel('c-cancel-2', 'q1');
    expect(await sink.terminal('q1')).toEqual({ type: 'cancelled', id: 'q1' });
    expect(types(sink.of('q1'))).not.toContain('started');
    await blocker.release();
    expect(blocker.sink.terminals('blocker')).toEqual([{ type: 'cancelled', id: 'blocker' }]);
    await submitJob(service, 'c-cancel-2', sink, { id: 'q2', task: 'describe' });
    expect((await sink.terminal('q2')).type).toBe('done');
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

  it('disconnect cancels every job of that client, running and queued', async () => {
    const sink = new RecordingSink();
    await submitJob(service, 'c-disc', sink, { id: 'x1', task: 'describe', prompt: 'hang' });
    await submitJob(service, 'c-disc', sink, { id: 'x2', task: 'describe' });
    await submitJob(service, 'c-disc', sink, { id: 'x3', task: 'ocr', prompt: 'hang' });
    await sink.started('x1');
    await sink.started('x3');
    service.disconnect('c-disc');
    for (const id of ['x1', 'x2', 'x3']) expect(await sink.terminal(id)).toEqual({ type: 'cancelled', id });
    const other = new RecordingSink();
    await submitJob(service, 'c-disc-other', other, { id: 'y1', task: 'describe' });
    expect((await other.terminal('y1')).type).toBe('done');
  });

  it('refuses jobs over the per-client cap and the global queue cap with busy', async () => {
    const blocker = await blockVlm('c-cap-0');
    const sink = new RecordingSink();
    for (const id of ['k1', 'k2', 'k3']) await submitJob(service, 'c-cap', sink, { id, task: 'describe' });
    await submitJob(service, 'c-cap', sink, { id: 'k4', task: 'describe' }); // 4 in flight: the limit
    await submitJob(service, 'c-cap', sink, { id: 'k5', task: 'describe' });
    const busy = (await sink.terminal('k5')) as ErrorReply;
    expect(busy).toMatchObject({ type: 'error', code: 'busy', message: expect.stringMatching(/limit 4/) });
    expect(busy.hint).toBeTruthy();
    // Global: 4 waiting so far; six more from other clients fill it to 10, the eleventh is refused.
    const others = new RecordingSink();
    for (let i = 0; i < 6; i++) await submitJob(service, `c-cap-${i + 1}`, others, { id: `g${i}`, task: 'describe' });
    await submitJob(service, 'c-cap-x', others, { id: 'g-over', task: 'describe' });
    expect(await others.terminal('g-over')).toMatchObject({ type: 'error', code: 'busy', message: expect.stringMatching(/queue is full/) });
    await blocker.release();
    for (const id of ['k1', 'k2', 'k3', 'k4']) expect((await sink.terminal(id)).type).toBe('done');
    for (let i = 0; i < 6; i++) expect((await others.terminal(`g${i}`)).type).toBe('done');
  });

  it('refuses a job whose images would push the bytes held in the queue over the limit', async () => {
    const blocker = await blockVlm('c-bytes-0');
    const big = await sharp({ create: { width: 600, height: 500, channels: 3, background: 'gray', noise: { type: 'gaussian', mean: 128, sigma: 60 } } }).png({ compressionLevel: 0 }).toBuffer();
    expect(big.byteLength).toBeGreaterThan(700_000);
    expect(big.byteLength).toBeLessThan(1_000_000);
    const sink = new RecordingSink();
    await submitJob(service, 'c-bytes-1', sink, { id: 'm1', task: 'describe' }, [big]);
    await submitJob(service, 'c-bytes-2', sink, { id: 'm2', task: 'describe' }, [big]);
    await submitJob(service, 'c-bytes-3', sink, { id: 'm3', task: 'describe' }, [big]);
    expect(await sink.terminal('m3')).toMatchObject({ type: 'error', code: 'busy', message: expect.stringMatching(/MB of queued images/) });
    await blocker.release();
    for (const id of ['m1', 'm2']) expect((await sink.terminal(id)).type).toBe('done');
    // Finished jobs release their bytes.
    await submitJob(service, 'c-bytes-3', sink, { id: 'm4', task: 'describe' }, [big]);
    expect((await sink.terminal('m4')).type).toBe('done');
  });

  it('rejects bad images at intake, before they take a place in the queue', async () => {
    const sink = new RecordingSink();
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } }).gif().toBuffer();
    await submitJob(service, 'c-intake', sink, { id: 'bad1', task: 'describe' }, [gif]);
    const png = await testPng();
    await submitJob(service, 'c-intake', sink, { id: 'bad2', task: 'ocr' }, [png.subarray(0, png.length - 20)]);
    await submitJob(service, 'c-intake', sink, { id: 'bad3', task: 'describe', region: { x: 500, y: 0, width: 10, height: 10 } });
    await submitJob(service, 'c-intake', sink, { id: 'bad4', task: 'describe' }, []);
    expect(await sink.terminal('bad1')).toMatchObject({ type: 'error', code: 'unsupported_image', message: expect.stringMatching(/GIF/) });
    expect(await sink.terminal('bad2')).toMatchObject({ type: 'error', code: 'unsupported_image' });
    expect(await sink.terminal('bad3')).toMatchObject({ type: 'error', code: 'bad_request', message: expect.stringMatching(/outside/) });
    expect(await sink.terminal('bad4')).toMatchObject({ type: 'error', code: 'bad_request', message: expect.stringMatching(/no image/) });
    for (const id of ['bad1', 'bad2', 'bad3', 'bad4']) expect(types(sink.of(id))).toEqual(['error']);
  });

  it('passes engine errors through with their code', async () => {
    const sink = new RecordingSink();
    await submitJob(service, 'c-err', sink, { id: 'e1', task: 'describe', prompt: 'throw' });
    await submitJob(service, 'c-err', sink, { id: 'e2', task: 'describe', prompt: 'reject-image' });
    expect(await sink.terminal('e1')).toMatchObject({ type: 'error', code: 'internal', message: expect.stringMatching(/failed on purpose/) });
    expect(await sink.terminal('e2')).toMatchObject({ type: 'error', code: 'unsupported_image', hint: 'Send another image.' });
  });

  it('continues a conversation: a follow-up with only the conversationId reuses the image and history', async () => {
    const sink = new RecordingSink();
    const png = await testPng();
    await submitJob(service, 'c-conv', sink, { id: 'v1', task: 'describe', conversationId: 'conv-1' });
    expect((await sink.terminal('v1')).type).toBe('done');
    await submitJob(service, 'c-conv', sink, { id: 'v2', task: 'ask', prompt: 'and the colour?', conversationId: 'conv-1' }, []);
    const follow = (await sink.terminal('v2')) as Done;
    expect(follow.text).toMatch(new RegExp(`^ask\\|images=${png.byteLength}\\|history=2\\|`));
    await submitJob(service, 'c-conv', sink, { id: 'v3', task: 'ask', prompt: 'more', conversationId: 'conv-1' }, []);
    expect(((await sink.terminal('v3')) as Done).text).toMatch(/history=4/);
    await submitJob(service, 'c-conv', sink, { id: 'v4', task: 'ask', prompt: 'hm', conversationId: 'conv-unknown' }, []);
    expect(await sink.terminal('v4')).toMatchObject({ type: 'error', code: 'not_found', hint: expect.stringMatching(/image again/) });
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

  it('a chat API job brings its own turns and may be text only; the system text goes before the prompt for an engine without its own', async () => {
    const sink = new RecordingSink();
    const job = SubmitJob.parse({ type: 'submit', id: 'chat-1', task: 'ask', prompt: 'What?' });
    service.submit({ clientId: 'chat', job, images: [], chat: { system: 'Be brief.', history: [{ role: 'user', text: 'Hi' }, { role: 'assistant', text: 'Hello' }] } }, sink);
    const done = (await sink.terminal('chat-1')) as Done;
    expect(done.type).toBe('done');
    expect(done.text).toMatch(/^ask\|images=\|history=2\|/);
    expect(done.text).toContain('|prompt=Be brief.\n\nWhat?|system=');
    // Without the chat context a job with no image is still refused (WebSocket clients).
    service.submit({ clientId: 'chat', job: SubmitJob.parse({ type: 'submit', id: 'chat-2', task: 'ask', prompt: 'What?' }), images: [] }, sink);
    expect(await sink.terminal('chat-2')).toMatchObject({ type: 'error', code: 'bad_request', message: 'this job has no image' });
  });
});

describe('video jobs through intake', () => {
  it('a clip reaches the VLM with its frame times; a follow-up in its conversation is about the same clip', async () => {
    const sink = new RecordingSink();
    const frames = [await testPng(), await testPng(), await testPng()];
    await submitJob(service, 'c-video', sink, { id: 'v1', task: 'describe', conversationId: 'vc', video: { frameTimes: [0, 1, 2], source: 'file' } }, frames);
    const done = (await sink.terminal('v1')) as Done;
    expect(done.type).toBe('done');
    expect(done.stats.videoFrameTimes).toEqual([0, 1, 2]);
    expect(done.text).toMatch(/images=\d+,\d+,\d+\|/);
    await submitJob(service, 'c-video', sink, { id: 'v2', task: 'ask', prompt: 'and then?', conversationId: 'vc' }, []);
    const follow = (await sink.terminal('v2')) as Done;
    expect(follow.stats.videoFrames).toBe(3);
  });

  it('refuses a clip for the OCR engine, and frames over MAX_VIDEO_BYTES together, each with a one-line reason', async () => {
    const sink = new RecordingSink();
    await submitJob(service, 'c-video2', sink, { id: 'v3', task: 'ocr', video: { frameTimes: [0, 1] } }, [await testPng(), await testPng()]);
    expect(await sink.terminal('v3')).toMatchObject({ type: 'error', code: 'bad_request', message: expect.stringMatching(/test-ocr engine does not take video/) });
    const big = new Uint8Array(1_100_000);
    const service2 = await doubleService({ limits: { perClientJobs: 4, globalQueue: 10, imageBytes: 200_000_000 } });
    try {
      await settled(service2);
      const frames = Array.from({ length: 62 }, () => big);
      await submitJob(service2, 'c-video3', sink, { id: 'v4', task: 'describe', video: { frameTimes: frames.map((_, i) => i) } }, frames);
      expect(await sink.terminal('v4')).toMatchObject({ type: 'error', code: 'image_too_large', message: expect.stringMatching(/over the 64 MB limit/) });
    } finally {
      await service2.close();
    }
  }, 60_000);
});
