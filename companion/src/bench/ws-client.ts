import type { Done, SubmitFields } from '@loupe/shared';
import { LoupeConnection } from '../client/connection';

export interface TimedResult {
  done: Done;
  /** Client wall time from handing the frame to the socket to receiving `done`. */
  roundTripMs: number;
  /** Client wall time from the frame to `started` (queue + intake as the client sees it). */
  startedMs: number;
  /** Client wall time from the frame to the first `delta` (0 when none came). */
  firstDeltaMs: number;
}

/** The bench's client: one job at a time on the shared Node client, timed from the client's side. */
export class BenchClient {
  private seq = 0;

  private constructor(private readonly conn: LoupeConnection) {}

  static async connect(port: number, token: string): Promise<BenchClient> {
    return new BenchClient(await LoupeConnection.connect(port, { token, hello: { name: 'loupe-bench', version: '1' } }));
  }

  async run(job: Omit<SubmitFields, 'id'>, images: Uint8Array[]): Promise<TimedResult> {
    let startedMs = 0;
    let firstDeltaMs = 0;
    let t0 = 0;
    const end = await this.conn.run({ ...job, id: `b${++this.seq}` }, images, {
      onSend: () => (t0 = performance.now()),
      onMessage: (m) => {
        if (m.type === 'started') startedMs = performance.now() - t0;
        if (m.type === 'delta' && firstDeltaMs === 0) firstDeltaMs = performance.now() - t0;
      },
    });
    const roundTripMs = performance.now() - t0;
    if (end.type !== 'done') throw new Error(end.type === 'error' ? `${end.code}: ${end.message}` : 'job cancelled');
    return { done: end, roundTripMs, startedMs, firstDeltaMs };
  }

  close(): void {
    void this.conn.close();
  }
}
