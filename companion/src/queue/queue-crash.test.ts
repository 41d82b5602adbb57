import type { Done } from '@loupe/shared';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DOUBLE_ENGINE_MODULE } from '../engine/testing/module-path';
import type { JobService } from './job-service';
import { RecordingSink, doubleService, settled, submitJob } from './test-support';

const services: JobService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((s) => s.close()));
}, 30_000);

async function service(o: Parameters<typeof doubleService>[0] = {}): Promise<JobService> {
  const s = await doubleService(o);
  services.push(s);
  await settled(s);
  return s;
}

const pidOf = (done: Done): number => Number(/pid=(\d+)/.exec(done.text)![1]);

describe('engine host crashes and load errors, seen through the job service', () => {
  it('a SIGKILLed engine host fails the running job with engine_crashed, restarts, and serves the next job', async () => {
    const s = await service();
    const sink = new RecordingSink();
    await submitJob(s, 'c', sink, { id: 'first', task: 'describe' });
    const pid = pidOf((await sink.terminal('first')) as Done);
    await submitJob(s, 'c', sink, { id: 'victim', task: 'describe', prompt: 'hang' });
    await submitJob(s, 'c', sink, { id: 'waiting', task: 'describe' });
    await sink.started('victim');
    process.kill(pid, 'SIGKILL');
    expect(await sink.terminal('victim')).toEqual({
      type: 'error',
      id: 'victim',
      code: 'engine_crashed',
      message: 'the engine process stopped unexpectedly; it is being restarted',
      hint: expect.any(String),
    });
    // The job queued behind it runs on the restarted host.
    const next = (await sink.terminal('waiting')) as Done;
    expect(next.type).toBe('done');
    expect(pidOf(next)).not.toBe(pid);
    expect(s.status().engines.find((e) => e.name === 'test-vlm')?.state).toBe('ready');
    // The OCR lane never noticed.
    await submitJob(s, 'c', sink, { id: 'ocr', task: 'ocr' });
    expect((await sink.terminal('ocr')).type).toBe('done');
  });

  it('an engine that kills its own process mid-stream gives exactly one engine_crashed', async () => {
    const s = await service();
    const sink = new RecordingSink();
    await submitJob(s, 'c', sink, { id: 'boom', task: 'ask', prompt: 'crash' });
    expect(await sink.terminal('boom')).toMatchObject({ type: 'error', code: 'engine_crashed' });
    await submitJob(s, 'c', sink, { id: 'after', task: 'ask' });
    expect((await sink.terminal('after')).type).toBe('done');
    expect(sink.terminals('boom')).toHaveLength(1);
  });

  it('a model that fails to load is reported with its message, jobs get engine_unavailable, OCR keeps working', async () => {
    const s = await service({ vlmModel: 'fail-load' });
    const vlm = s.status().engines.find((e) => e.name === 'test-vlm')!;
    expect(vlm.state).toBe('error');
    expect(vlm.note).toBe('model directory /nowhere has no config.json');
    const sink = new RecordingSink();
    await submitJob(s, 'c', sink, { id: 'd', task: 'describe' });
    expect(await sink.terminal('d')).toMatchObject({
      type: 'error',
      code: 'engine_unavailable',
      message: expect.stringMatching(/no config.json/),
      hint: expect.stringMatching(/`loupe models pull <id>`.*loupe start --model <dir>/),
    });
    await submitJob(s, 'c', sink, { id: 'o', task: 'ocr' });
    expect((await sink.terminal('o')).type).toBe('done');
  });

  it('jobs submitted while the model loads wait for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loupe-gate-'));
    const gate = join(dir, 'open');
    try {
      const s = await doubleService({ vlmModel: `gate-load:${gate}` });
      services.push(s);
      expect(s.status().engines.find((e) => e.name === 'test-vlm')?.state).toBe('loading');
      const sink = new RecordingSink();
      await submitJob(s, 'c', sink, { id: 'early', task: 'describe' });
      await sink.until((ms) => ms.some((m) => m.type === 'queued'), 'queued');
      await new Promise((r) => setTimeout(r, 100));
      expect(sink.of('early').map((m) => m.type)).toEqual(['queued']);
      writeFileSync(gate, '');
      expect((await sink.terminal('early')).type).toBe('done');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a VLM configured, VLM tasks get engine_unavailable naming the fix', async () => {
    const s = await service({ engines: [{ engine: 'test-ocr', options: { home: '/tmp', device: 'cpu' }, modules: [DOUBLE_ENGINE_MODULE] }] });
    const sink = new RecordingSink();
    await submitJob(s, 'c', sink, { id: 'd', task: 'describe' });
    await submitJob(s, 'c', sink, { id: 'o', task: 'ocr', engine: 'vlm' });
    for (const id of ['d', 'o']) {
      expect(await sink.terminal(id)).toMatchObject({ type: 'error', code: 'engine_unavailable', hint: expect.stringMatching(/`loupe models pull/) });
    }
    expect(sink.of('d').map((m) => m.type)).toEqual(['error']);
  });

  it('an unknown engine name is reported in status and the service still runs', async () => {
    const s = await service({
      engines: [
        { engine: 'nonexistent', options: { home: '/tmp', device: 'cpu' } },
        { engine: 'test-ocr', options: { home: '/tmp', device: 'cpu' }, modules: [DOUBLE_ENGINE_MODULE] },
      ],
    });
    expect(s.status().engines[0]).toMatchObject({ name: 'nonexistent', state: 'error', note: expect.stringMatching(/unknown engine "nonexistent"/) });
    const sink = new RecordingSink();
    await submitJob(s, 'c', sink, { id: 'o', task: 'ocr' });
    expect((await sink.terminal('o')).type).toBe('done');
  });
});
