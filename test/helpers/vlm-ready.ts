import type { ServerStatus } from '@loupe/shared';
import { authFetch, type RunningDaemon } from './daemon';

/** Waits until the daemon's VLM engine is ready (a crashed host restarts; a remote connects). */
export async function vlmReady(d: RunningDaemon, timeoutMs = 120_000): Promise<ServerStatus['engines'][number]> {
  const deadline = Date.now() + timeoutMs;
  let last: ServerStatus['engines'][number] | undefined;
  while (Date.now() < deadline) {
    const status = (await (await authFetch(d, '/v1/status')).json()) as ServerStatus;
    last = status.engines.find((e) => e.kind === 'vlm');
    if (last?.state === 'ready') return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`VLM never became ready (last: ${last?.state} ${last?.note ?? ''})`);
}
