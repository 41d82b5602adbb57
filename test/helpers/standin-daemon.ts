import type { StandInOptions } from '@loupe/models';
import { startDaemon, type RunningDaemon } from './daemon';
import { engineHostPid } from './daemon-process';
import { textPng } from './images';
import { standInModel } from './standin';
import { vlmReady } from './vlm-ready';

/**
 * A daemon serving a stand-in VLM on the CPU (noise output, real plumbing) and a small PNG of
 * `text` to send it: `start()` in beforeAll, `stop()` in afterAll.
 */
export function standInDaemon(o: { text: string; model?: Partial<StandInOptions>; waitReady?: boolean }) {
  let model: Awaited<ReturnType<typeof standInModel>> | undefined;
  let d: RunningDaemon | undefined;
  return {
    async start(): Promise<{ d: RunningDaemon; png: Buffer }> {
      const [m, png] = await Promise.all([standInModel(o.model), textPng(o.text, 150)]);
      model = m;
      d = await startDaemon({ args: ['--model', m.dir, '--device', 'cpu'] });
      if (o.waitReady) await vlmReady(d);
      return { d, png };
    },
    async stop(): Promise<void> {
      await d?.stop();
      model?.cleanup();
    },
  };
}

/** What `p` rejected with, checked to be a `type` (a resolved promise fails the test). */
export async function rejection<T>(p: Promise<unknown>, type: abstract new (...args: never[]) => T): Promise<T> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  if (!(e instanceof type)) throw new Error(`expected the request to fail with ${type.name}, got ${e === undefined ? 'success' : String(e)}`);
  return e;
}

/**
 * Reads `stream` and kills the daemon's VLM host at its second part (what a native crash looks
 * like mid-answer); then waits until the VLM is back. Resolves with the parts read and what the stream threw.
 */
export async function crashMidStream(d: RunningDaemon, stream: AsyncIterable<unknown>): Promise<{ parts: number; error: unknown }> {
  let parts = 0;
  const error = await (async () => {
    for await (const _part of stream) {
      if (++parts === 2) process.kill(engineHostPid(d.home, 'qwen-vl')!, 'SIGKILL');
    }
  })().then(() => undefined, (err: unknown) => err);
  await vlmReady(d);
  return { parts, error };
}
