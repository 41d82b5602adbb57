import { fork } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineJob } from '../engine';
import { DOUBLE_ENGINE_MODULE } from '../testing/module-path';
import type { FromHost } from './messages';
import { EngineHost, type HostJobHandlers } from './supervisor';

const log = pino({ level: 'silent' });
const hosts: EngineHost[] = [];

function host(model?: string, extra: Partial<ConstructorParameters<typeof EngineHost>[0]> = {}): EngineHost {
  const h = new EngineHost({ engine: 'test-vlm', options: { home: '/tmp', device: 'cpu', ...(model ? { model } : {}) }, modules: [DOUBLE_ENGINE_MODULE], log, restart: { baseDelayMs: 10 }, ...extra });
  hosts.push(h);
  return h;
}

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

const job = (id: string, prompt?: string): EngineJob => ({ id, task: 'describe', images: [new Uint8Array([1, 2, 3])], locale: 'en', history: [], ...(prompt ? { prompt } : {}) });

type Outcome = { kind: 'result'; text: string } | { kind: 'error'; code: string; message: string } | { kind: 'cancelled' };

function runOn(h: EngineHost, j: EngineJob): { outcome: Promise<Outcome>; deltas: string[]; cancel(): void } {
  const deltas: string[] = [];
  let cancel = (): void => undefined;
  const outcome = new Promise<Outcome>((resolve) => {
    const handlers: HostJobHandlers = {
      delta: (t) => deltas.push(t),
      result: (r) => resolve({ kind: 'result', text: r.text }),
      error: (e) => resolve({ kind: 'error', code: e.code, message: e.message }),
      cancelled: () => resolve({ kind: 'cancelled' }),
    };
    cancel = h.run(j, handlers).cancel;
  });
  return { outcome, deltas, cancel: () => cancel() };
}

describe('engine host (a real child process)', () => {
  it('shows its state read-only: only the supervisor moves it', () => {
    const h = host();
    expect(() => {
      // @ts-expect-error state has no setter outside the supervisor
      h.state = 'ready';
    }).toThrow(TypeError);
    expect(h.state).toBe('loading');
  });

  it('loads an engine, streams deltas and passes image bytes through IPC', async () => {
    const h = host();
    await h.start();
    expect(h.kind).toBe('vlm');
    await h.whenReady();
    expect(h.model).toMatchObject({ id: 'test-vlm-model', standIn: true });
    expect(h.capabilities?.tasks).toContain('describe');
    const run = runOn(h, job('a'));
    const outcome = await run.outcome;
    expect(outcome).toMatchObject({ kind: 'result' });
    expect((outcome as { text: string }).text).toMatch(/^describe\|images=3\|history=0/);
    expect(run.deltas.join('')).toContain('images=3|');
    expect((outcome as { text: string }).text).toContain(`pid=${h.pid}`);
    expect(h.pid).not.toBe(process.pid);
  });

  it('batches fast deltas into few IPC messages: the first at once, all text in order before the result', async () => {
    const h = host();
    await h.start();
    await h.whenReady();
    const run = runOn(h, job('batched', 'stream 200 0'));
    const outcome = await run.outcome;
    const expected = Array.from({ length: 200 }, (_, i) => `t${i} `).join('');
    expect(outcome).toMatchObject({ kind: 'result', text: expected });
    expect(run.deltas.join('')).toBe(expected);
    expect(run.deltas[0]).toBe('t0 ');
    expect(run.deltas.length).toBeLessThan(200);
  });

  it('fails the running job with engine_crashed when the host is SIGKILLed, restarts it and serves the next job', async () => {
    const h = host();
    await h.start();
    await h.whenReady();
    const firstPid = h.pid!;
    const run = runOn(h, job('b', 'hang'));
    await new Promise((r) => setTimeout(r, 50));
    process.kill(firstPid, 'SIGKILL');
    const outcome = await run.outcome;
    expect(outcome).toEqual({ kind: 'error', code: 'engine_crashed', message: 'the engine process stopped unexpectedly; it is being restarted' });
    await h.whenReady();
    expect(h.pid).toBeDefined();
    expect(h.pid).not.toBe(firstPid);
    const next = await runOn(h, job('c')).outcome;
    expect(next).toMatchObject({ kind: 'result' });
  });

  it('an engine that crashes its own process mid-job gives engine_crashed', async () => {
    const h = host();
    await h.start();
    await h.whenReady();
    const outcome = await runOn(h, job('d', 'crash')).outcome;
    expect(outcome).toMatchObject({ kind: 'error', code: 'engine_crashed' });
    await h.whenReady();
    expect(await runOn(h, job('e')).outcome).toMatchObject({ kind: 'result' });
  });

  /** Runs a `prompt` job on a ready host and cancels it 30 ms in: the pid it ran on, and its outcome. */
  async function cancelMidJob(h: EngineHost, id: string, prompt: string) {
    await h.start();
    await h.whenReady();
    const pid = h.pid;
    const run = runOn(h, job(id, prompt));
    await new Promise((r) => setTimeout(r, 30));
    run.cancel();
    return { pid, outcome: await run.outcome };
  }

  it('cancels a running job through IPC', async () => {
    const h = host();
    const { pid, outcome } = await cancelMidJob(h, 'f', 'hang');
    expect(outcome).toEqual({ kind: 'cancelled' });
    expect(h.pid).toBe(pid);
  });

  it('kills and restarts a host whose engine ignores cancel', async () => {
    const h = host(undefined, { cancelGraceMs: 200 });
    const { pid, outcome } = await cancelMidJob(h, 'g', 'ignore-abort');
    expect(outcome).toEqual({ kind: 'cancelled' });
    await h.whenReady();
    expect(h.pid).not.toBe(pid);
    expect(await runOn(h, job('h')).outcome).toMatchObject({ kind: 'result' });
  });

  it('forwards the host log lines into the daemon log, keeping pino levels', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const capture = pino({ level: 'debug' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
    const h = host(undefined, { log: capture });
    await h.start();
    await h.whenReady();
    expect(await runOn(h, job('log1', 'log')).outcome).toEqual({ kind: 'result', text: 'logged' });
    await new Promise((r) => setTimeout(r, 200));
    expect(lines).toContainEqual(expect.objectContaining({ level: 30, msg: 'double engine says hi', jobId: 'log1', from: 'engine-host', engine: 'test-vlm' }));
    expect(lines).toContainEqual(expect.objectContaining({ level: 40, line: 'plain native warning' }));
  });

  it('reports engine errors with their code', async () => {
    const h = host();
    await h.start();
    await h.whenReady();
    expect(await runOn(h, job('i', 'throw')).outcome).toMatchObject({ kind: 'error', code: 'internal', message: expect.stringMatching(/failed on purpose/) });
    expect(await runOn(h, job('j', 'reject-image')).outcome).toMatchObject({ kind: 'error', code: 'unsupported_image' });
  });

  it('reports a load error with its message and does not restart', async () => {
    const h = host('fail-load');
    await h.start();
    await expect(h.whenReady()).rejects.toMatchObject({ message: 'model directory /nowhere has no config.json' });
    expect(h.state).toBe('error');
    // Asked again after the failure: the same error, not a generic one.
    await expect(h.whenReady()).rejects.toMatchObject({ message: 'model directory /nowhere has no config.json' });
    expect(h.note).toMatch(/no config.json/);
    expect(await runOn(h, job('k')).outcome).toMatchObject({ kind: 'error', code: 'engine_unavailable' });
  });

  it('a retryable load error keeps the same host loading again with back-off until it works', async () => {
    const gate = join(mkdtempSync(join(tmpdir(), 'loupe-retry-')), 'up');
    const h = host(`retry-load:${gate}`, { restart: { baseDelayMs: 10, reloadBaseMs: 50, maxReloadDelayMs: 200 } });
    await h.start();
    await expect(h.whenReady()).rejects.toMatchObject({ message: 'the remote is not answering (ECONNREFUSED)' });
    expect(h.state).toBe('error');
    expect(h.note).toMatch(/ECONNREFUSED\) \(retrying in 1 s\)/);
    expect(h.hint).toBe('Start the remote.');
    expect(await runOn(h, job('r1')).outcome).toMatchObject({ kind: 'error', code: 'engine_unavailable' });
    const pid = h.pid;
    writeFileSync(gate, '');
    const deadline = Date.now() + 20_000;
    while (h.state !== 'ready' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(h.state).toBe('ready');
    expect(h.pid, 'the same process loaded again').toBe(pid);
    expect(h.note).toBeUndefined();
    expect(await runOn(h, job('r2')).outcome).toMatchObject({ kind: 'result' });
  });

  it('reports an unknown engine name', async () => {
    const h = new EngineHost({ engine: 'no-such-engine', options: { home: '/tmp', device: 'cpu' }, log });
    hosts.push(h);
    await h.start();
    expect(h.state).toBe('error');
    expect(h.note).toMatch(/unknown engine "no-such-engine"/);
  });

  it('gives up after a bounded number of crashes', async () => {
    const h = host('crash-load', { restart: { maxCrashes: 2, baseDelayMs: 5 } });
    await h.start();
    await expect(h.whenReady()).rejects.toMatchObject({ code: 'engine_unavailable' });
    expect(h.state).toBe('error');
    expect(h.note).toMatch(/crashed 3 times/);
  });
});

describe('engine host entry (malformed IPC)', () => {
  it('answers malformed messages instead of crashing', async () => {
    const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
    const loader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const child = fork(entry, [], { execArgv: ['--import', loader], serialization: 'advanced', stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    const replies: FromHost[] = [];
    const next = (): Promise<FromHost> => new Promise((resolve) => child.once('message', (m) => { replies.push(m as FromHost); resolve(m as FromHost); }));
    try {
      let reply = next();
      child.send({ hello: 1 });
      expect(await reply).toMatchObject({ type: 'badMessage', message: expect.stringMatching(/type/) });
      reply = next();
      child.send({ type: 'run', job: { id: 'x1', task: 'ocr', images: ['not bytes'], history: [] } });
      expect(await reply).toMatchObject({ type: 'error', jobId: 'x1', error: { code: 'bad_request', message: expect.stringMatching(/run\.job\.images\.0: must be bytes/) } });
      reply = next();
      child.send({ type: 'run', job: { id: 'x2', task: 'ocr', images: [new Uint8Array(1)], locale: 'en', history: [] } });
      expect(await reply).toMatchObject({ type: 'error', jobId: 'x2', error: { code: 'engine_unavailable' } });
      reply = next();
      child.send({ type: 'launch-missiles' });
      expect(await reply).toMatchObject({ type: 'badMessage', message: expect.stringMatching(/unknown message type/) });
      expect(child.exitCode).toBeNull();
    } finally {
      child.kill('SIGKILL');
    }
  });
});
