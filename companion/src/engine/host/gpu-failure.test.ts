import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineJob, EngineOptions } from '../engine';
import { DOUBLE_ENGINE_MODULE } from '../testing/module-path';
import { EngineHost } from './supervisor';

const log = pino({ level: 'silent' });
const hosts: EngineHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

function host(device: EngineOptions['device']): EngineHost {
  const h = new EngineHost({ engine: 'test-vlm', options: { home: '/tmp', device, model: 'on-webgpu' }, modules: [DOUBLE_ENGINE_MODULE], log, restart: { baseDelayMs: 10 } });
  hosts.push(h);
  return h;
}

const job = (id: string, prompt?: string): EngineJob => ({ id, task: 'describe', images: [new Uint8Array([1])], locale: 'en', history: [], ...(prompt ? { prompt } : {}) });

function run(h: EngineHost, j: EngineJob): Promise<{ kind: string; code?: string; message?: string; text?: string }> {
  return new Promise((resolve) => {
    h.run(j, {
      delta: () => undefined,
      result: (r) => resolve({ kind: 'result', text: r.text }),
      error: (e) => resolve({ kind: 'error', code: e.code, message: e.message }),
      cancelled: () => resolve({ kind: 'cancelled' }),
    });
  });
}

async function readyAgain(h: EngineHost, oldPid: number | undefined): Promise<void> {
  const until = Date.now() + 20_000;
  while (!(h.state === 'ready' && h.pid !== undefined && h.pid !== oldPid)) {
    if (Date.now() > until) throw new Error(`host not ready again (state ${h.state}, note ${h.note})`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a GPU failure mid-job (device lost), at the engine-host level', () => {
  it('auto: ends the job with the reason, restarts the engine on the CPU with the reason in its model info, and serves the next job', async () => {
    const h = host('auto');
    await h.start();
    await h.whenReady();
    expect(h.model?.device).toBe('webgpu');
    const pid = h.pid;
    const failed = await run(h, job('lost', 'device-lost'));
    expect(failed).toMatchObject({ kind: 'error', code: 'engine_crashed' });
    expect(failed.message).toMatch(/^the WebGPU device was lost \(WebGPU device lost \(DeviceLost\).*\): the GPU driver reset or the GPU went away; the engine restarts on the CPU$/);
    await readyAgain(h, pid);
    expect(h.model?.device).toBe('cpu');
    expect(h.model?.fallbackReason).toMatch(/WebGPU device was lost/);
    expect(await run(h, job('next'))).toMatchObject({ kind: 'result' });
  });

  it('explicit --device webgpu: restarts on WebGPU (no silent move to the CPU)', async () => {
    const h = host('webgpu');
    await h.start();
    await h.whenReady();
    const pid = h.pid;
    const failed = await run(h, job('lost', 'device-lost'));
    expect(failed.message).toMatch(/the engine restarts on webgpu$/);
    await readyAgain(h, pid);
    expect(h.model?.device).toBe('webgpu');
    expect(await run(h, job('next'))).toMatchObject({ kind: 'result' });
  });
});
