/**
 * A test double engine for the queue's unit tests ONLY (never listed in engines.ts). The host
 * imports it when a test's load message names it. Its behaviour is steered by the prompt:
 *   (none)            echo the job back as deltas + result
 *   stream N MS       N deltas "tI " MS ms apart
 *   hang              wait until cancelled
 *   ignore-abort      never stop, even when cancelled
 *   crash             SIGKILL its own process mid-job (a native crash)
 *   throw             throw a plain Error
 *   reject-image      throw a ProtocolError('unsupported_image')
 *   log               write a pino-style JSON line and a plain line to stderr
 *   device-lost       throw the error onnxruntime's WebGPU EP gives when the GPU goes away
 * and by options.model at load: fail-load | crash-load | gate-load:PATH (waits until PATH exists) |
 *   retry-load:PATH (a retryable load error, like a remote not up yet, until PATH exists)
 *   | on-webgpu (claims the WebGPU device; under auto the CPU, with the reason, once options.gpuFailure is set).
 */
import { existsSync } from 'node:fs';
import { ProtocolError, type Task } from '@loupe/shared';
import type { Engine, EngineEvent, EngineJob, EngineOptions } from '../engine';
import { registerEngine } from '../registry';

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    }, { once: true });
  });

function createDouble(name: string, kind: 'ocr' | 'vlm', tasks: Task[], options: EngineOptions): Engine {
  return {
    name,
    async load() {
      const model = options.model ?? '';
      if (model === 'fail-load') throw new ProtocolError('model_invalid', 'model directory /nowhere has no config.json', 'Pull a model with `loupe models pull <id>`.');
      if (model === 'crash-load') process.kill(process.pid, 'SIGKILL');
      if (model.startsWith('retry-load:') && !existsSync(model.slice('retry-load:'.length))) {
        throw Object.assign(new ProtocolError('engine_unavailable', 'the remote is not answering (ECONNREFUSED)', 'Start the remote.'), { retryable: true });
      }
      if (model.startsWith('gate-load:')) {
        const gate = model.slice('gate-load:'.length);
        while (!existsSync(gate)) await sleep(20);
      }
      // Like the real engine: only auto moves to the CPU after a GPU failure.
      const avoidGpu = options.gpuFailure !== undefined && options.device === 'auto';
      if (model === 'on-webgpu' && !avoidGpu) return { id: `${name}-model`, engine: name, device: 'webgpu', standIn: true };
      return { id: `${name}-model`, engine: name, device: 'cpu', standIn: true, ...(avoidGpu ? { fallbackReason: options.gpuFailure } : {}) };
    },
    async unload() {},
    capabilities: () => ({ kind, tasks, maxPixels: 1_000_000, multiImage: true, video: kind === 'vlm' }),
    run: (job, signal) => runJob(job, signal),
  };
}

async function* runJob(job: EngineJob, signal: AbortSignal): AsyncGenerator<EngineEvent> {
  const [verb, ...args] = (job.prompt ?? '').split(' ');
  const stats = { device: 'cpu' };
  switch (verb) {
    case 'stream': {
      const n = Number(args[0] ?? 3);
      const ms = Number(args[1] ?? 0);
      let text = '';
      for (let i = 0; i < n; i++) {
        await sleep(ms, signal);
        const piece = `t${i} `;
        text += piece;
        yield { type: 'delta', text: piece };
      }
      yield { type: 'result', text, finishReason: 'stop', stats: { ...stats, decodeTokens: n } };
      return;
    }
    case 'hang':
      await sleep(3_600_000, signal);
      return;
    case 'ignore-abort':
      await sleep(3_600_000);
      return;
    case 'crash':
      yield { type: 'delta', text: 'about to crash' };
      await sleep(20);
      process.kill(process.pid, 'SIGKILL');
      await sleep(3_600_000);
      return;
    case 'log':
      console.error(JSON.stringify({ level: 30, time: 1, pid: process.pid, msg: 'double engine says hi', jobId: job.id }));
      console.error('plain native warning');
      yield { type: 'result', text: 'logged', finishReason: 'stop', stats };
      return;
    case 'throw':
      throw new Error('the double engine failed on purpose');
    case 'device-lost':
      yield { type: 'delta', text: 'before the GPU went away' };
      throw new Error('WebGPU device lost (DeviceLost): simulated by the test double');
    case 'reject-image':
      throw new ProtocolError('unsupported_image', 'the double engine refused the image', 'Send another image.');
    default: {
      const text = `${job.task}|images=${job.images.map((i) => i.byteLength).join(',')}|history=${job.history.length}|region=${job.region ? 'yes' : 'no'}|pid=${process.pid}|prompt=${job.prompt ?? ''}|system=${job.system ?? ''}`;
      for (const piece of text.split('|')) yield { type: 'delta', text: `${piece}|` };
      const seen = job.video ? { videoFrames: job.video.frameTimes.length, videoFrameTimes: job.video.frameTimes } : {};
      yield { type: 'result', text, finishReason: 'stop', stats: { ...stats, ...seen }, ...(job.task === 'ocr' ? { lines: [{ text, box: [0, 0, 1, 1], score: 1 }] } : {}) };
    }
  }
}

registerEngine({ name: 'test-vlm', kind: 'vlm', describe: 'test double (vlm)', create: (o) => createDouble('test-vlm', 'vlm', ['describe', 'ask', 'code', 'ground'], o) });
registerEngine({ name: 'test-ocr', kind: 'ocr', describe: 'test double (ocr)', create: (o) => createDouble('test-ocr', 'ocr', ['ocr'], o) });
