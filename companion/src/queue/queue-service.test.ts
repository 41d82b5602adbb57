import type { Done, ServerMessage } from '@loupe/shared';
import { isTerminal } from '@loupe/shared';
import { describe, expect, it } from 'vitest';
import { FakeLane } from './fake-lane';
import { RecordingSink, fakeQueue, queuedOrEnded, submitJob } from './test-support';

/** Dispatch on fake lanes: which lane a job goes to, in what order jobs start, and cancel. */

const types = (ms: ServerMessage[]): string[] => ms.map((m) => m.type);
const positions = (sink: RecordingSink, id: string): number[] => sink.of(id).flatMap((m) => (m.type === 'queued' ? [m.position] : []));

/** One VLM job `running` on its lane and another `waiting` behind it, both from client `c`. */
async function runningAndWaiting(running: string, waiting: string) {
  const queue = fakeQueue();
  const sink = new RecordingSink();
  await submitJob(queue.service, 'c', sink, { id: running, task: 'describe' });
  const run = await queue.vlm.whenRunning(running);
  await submitJob(queue.service, 'c', sink, { id: waiting, task: 'describe' });
  await queuedOrEnded(sink, waiting);
  return { ...queue, sink, run };
}

describe('dispatch', () => {
  it('routes by task, streams deltas and ends with done carrying the model and queue/total times', async () => {
    const { service, ocr, vlm } = fakeQueue();
    const sink = new RecordingSink();
    await submitJob(service, 'c', sink, { id: 'd1', task: 'describe' });
    await submitJob(service, 'c', sink, { id: 'o1', task: 'ocr' });
    await vlm.whenRunning('d1');
    await ocr.whenRunning('o1');
    vlm.delta('a ');
    vlm.delta('cat');
    vlm.answer('a cat', { stats: { decodeTokens: 2 } });
    ocr.answer('TEXT', { lines: [{ text: 'TEXT', box: [0, 0, 4, 4], score: 1 }] });
    const d = (await sink.terminal('d1')) as Done;
    expect(d).toMatchObject({ type: 'done', text: 'a cat', finishReason: 'stop', model: { id: 'fake-vlm-model' }, stats: { decodeTokens: 2 } });
    expect(d.stats.totalMs).toBeGreaterThanOrEqual(d.stats.queueMs!);
    // The first delta goes at once, the rest are batched; all text arrives before done.
    expect(types(sink.of('d1'))).toEqual(['queued', 'started', 'delta', 'delta', 'done']);
    expect(sink.of('d1').flatMap((m) => (m.type === 'delta' ? [m.text] : []))).toEqual(['a ', 'cat']);
    expect(await sink.terminal('o1')).toMatchObject({ type: 'done', text: 'TEXT', model: { engine: 'fake-ocr' }, lines: [{ text: 'TEXT' }] });
    expect(ocr.ran).toEqual(['o1']);
    expect(vlm.ran).toEqual(['d1']);
  });

  it('keeps OCR and VLM in separate lanes: OCR finishes while the VLM is busy', async () => {
    const { service, ocr, vlm } = fakeQueue();
    const sink = new RecordingSink();
    await submitJob(service, 'a', sink, { id: 'long', task: 'describe' });
    await vlm.whenRunning('long');
    await submitJob(service, 'b', sink, { id: 'o', task: 'ocr' });
    await ocr.whenRunning('o');
    ocr.answer();
    expect((await sink.terminal('o')).type).toBe('done');
    expect(sink.terminals('long')).toEqual([]);
  });

  it('serves clients round-robin and reports queue positions that only go down', async () => {
    const { service, vlm } = fakeQueue();
    const a = new RecordingSink();
    const b = new RecordingSink();
    await submitJob(service, 'blocker', new RecordingSink(), { id: 'blocker', task: 'describe' });
    await vlm.whenRunning('blocker');
    for (const id of ['a1', 'a2', 'a3']) await submitJob(service, 'a', a, { id, task: 'describe' });
    await queuedOrEnded(a, 'a3');
    await submitJob(service, 'b', b, { id: 'b1', task: 'describe' });
    await queuedOrEnded(b, 'b1');
    expect(positions(b, 'b1')).toEqual([1]);
    for (const next of ['blocker', 'a1', 'b1', 'a2', 'a3']) {
      await vlm.whenRunning(next);
      vlm.answer();
    }
    expect(vlm.ran).toEqual(['blocker', 'a1', 'b1', 'a2', 'a3']);
    // a3 was pushed back by b1 but never told a higher number.
    expect(positions(a, 'a1')).toEqual([0]);
    expect(positions(a, 'a2')).toEqual([1, 0]);
    expect(positions(a, 'a3')).toEqual([2, 1, 0]);
  });

  it('cancels a queued job before it reaches the engine', async () => {
    const { service, vlm, sink } = await runningAndWaiting('run', 'q');
    expect(service.cancel('c', 'q')).toBe(true);
    expect(sink.terminals('q')).toEqual([{ type: 'cancelled', id: 'q' }]);
    vlm.answer();
    await sink.terminal('run');
    expect(vlm.ran).toEqual(['run']);
    expect(service.cancel('c', 'q')).toBe(false);
  });

  it('cancels a running job at once for the client, but keeps the lane busy until the engine has stopped', async () => {
    const { service, vlm, sink, run } = await runningAndWaiting('r', 'next');
    service.cancel('c', 'r');
    expect(run.cancelAsked).toBe(true);
    expect(sink.terminals('r')).toEqual([{ type: 'cancelled', id: 'r' }]);
    vlm.delta('late text');
    expect(vlm.ran).toEqual(['r']);
    vlm.stopped();
    await vlm.whenRunning('next');
    expect(types(sink.of('r'))).toEqual(['queued', 'started', 'cancelled']);
  });

  it('disconnect cancels every job of that client, running and queued, and nobody else’s', async () => {
    const { service, ocr, vlm } = fakeQueue();
    const sink = new RecordingSink();
    const other = new RecordingSink();
    await submitJob(service, 'gone', sink, { id: 'x1', task: 'describe' });
    await submitJob(service, 'gone', sink, { id: 'x2', task: 'describe' });
    await submitJob(service, 'gone', sink, { id: 'x3', task: 'ocr' });
    await submitJob(service, 'stays', other, { id: 'y1', task: 'describe' });
    await Promise.all([vlm.whenRunning('x1'), ocr.whenRunning('x3'), queuedOrEnded(other, 'y1')]);
    service.disconnect('gone');
    for (const id of ['x1', 'x2', 'x3']) expect(sink.terminals(id)).toEqual([{ type: 'cancelled', id }]);
    expect(vlm.running?.cancelAsked).toBe(true);
    expect(ocr.running?.cancelAsked).toBe(true);
    vlm.stopped();
    await vlm.whenRunning('y1');
    vlm.answer();
    expect((await other.terminal('y1')).type).toBe('done');
    expect(vlm.ran).toEqual(['x1', 'y1']);
  });

  it('passes engine errors through with their code and hint', async () => {
    const { service, vlm } = fakeQueue();
    const sink = new RecordingSink();
    await submitJob(service, 'c', sink, { id: 'e', task: 'describe' });
    await vlm.whenRunning('e');
    vlm.fail({ code: 'unsupported_image', message: 'cannot read it', hint: 'Send another image.' });
    expect(sink.terminals('e')).toEqual([{ type: 'error', id: 'e', code: 'unsupported_image', message: 'cannot read it', hint: 'Send another image.' }]);
  });

  it('fails waiting jobs with the engine’s note and hint when it breaks, and routes none to it after', async () => {
    const { service, vlm, sink } = await runningAndWaiting('r', 'w');
    // As a host that crashed once too often: not ready before the job hears of it, then broken.
    vlm.become('loading');
    vlm.fail({ code: 'engine_crashed', message: 'stopped unexpectedly' });
    vlm.become('error', 'crashed 6 times', 'Run `loupe doctor`.');
    expect(sink.terminals('r')).toEqual([{ type: 'error', id: 'r', code: 'engine_crashed', message: 'stopped unexpectedly' }]);
    expect(sink.terminals('w')).toEqual([{ type: 'error', id: 'w', code: 'engine_unavailable', message: 'the fake-vlm engine is not available: crashed 6 times', hint: 'Run `loupe doctor`.' }]);
    await submitJob(service, 'c', sink, { id: 'after', task: 'describe' });
    expect(await sink.terminal('after')).toMatchObject({ code: 'engine_unavailable', message: expect.stringMatching(/crashed 6 times/) });
    expect(vlm.ran).toEqual(['r']);
  });

  it('holds jobs while the engine loads and starts them when it is ready', async () => {
    const vlm = new FakeLane('fake-vlm', 'vlm');
    vlm.become('loading', 'restarting');
    const { service } = fakeQueue({}, [new FakeLane('fake-ocr', 'ocr'), vlm]);
    const sink = new RecordingSink();
    await submitJob(service, 'c', sink, { id: 'w', task: 'describe' });
    await queuedOrEnded(sink, 'w');
    expect(vlm.ran).toEqual([]);
    vlm.become('ready');
    await vlm.whenRunning('w');
  });

  it('refuses a task the loaded engine cannot do', async () => {
    const vlm = new FakeLane('fake-vlm', 'vlm', { tasks: ['describe'] });
    const { service } = fakeQueue({}, [new FakeLane('fake-ocr', 'ocr'), vlm]);
    const sink = new RecordingSink();
    await submitJob(service, 'c', sink, { id: 'g', task: 'ground' });
    expect(await sink.terminal('g')).toMatchObject({ type: 'error', code: 'engine_unavailable', message: expect.stringMatching(/can do "ground"/) });
  });

  it('reports engines, their queues and clients in status', async () => {
    const { service, vlm } = fakeQueue();
    const sink = new RecordingSink();
    for (const id of ['s1', 's2', 's3']) await submitJob(service, 'c', sink, { id, task: 'describe' });
    await queuedOrEnded(sink, 's3');
    const status = service.status();
    expect(status.engines.map((e) => [e.name, e.kind, e.state, e.queue])).toEqual([
      ['fake-ocr', 'ocr', 'ready', 0],
      ['fake-vlm', 'vlm', 'ready', 2],
    ]);
    expect(status.queue).toBe(2);
    expect(status.clients).toBe(1);
    expect(status.engines[1]!.model?.id).toBe('fake-vlm-model');
    await vlm.close();
    expect(service.status().engines[1]!.state).toBe('error');
  });

  it('ends every job in flight when it closes, and refuses jobs after', async () => {
    const { service, vlm, ocr, sink, run } = await runningAndWaiting('r', 'q');
    await service.close();
    for (const id of ['r', 'q']) expect(sink.terminals(id)).toEqual([expect.objectContaining({ type: 'error', id, code: 'engine_unavailable', message: 'the companion is shutting down' })]);
    expect(run.cancelAsked).toBe(true);
    expect([vlm.state, ocr.state]).toEqual(['closed', 'closed']);
    await submitJob(service, 'c', sink, { id: 'late', task: 'describe' });
    expect(sink.terminals('late')).toEqual([expect.objectContaining({ code: 'engine_unavailable', message: 'the companion is shutting down' })]);
    expect(sink.messages.filter(isTerminal)).toHaveLength(3);
  });
});
