import WebSocket from 'ws';
import {
  encodeSubmitFrame,
  isTerminal,
  parseServerMessage,
  PROTOCOL_VERSION,
  WS_AUTH_PREFIX,
  WS_PATH,
  WS_SUBPROTOCOL,
  type Done,
  type ServerMessage,
  type SubmitJobInput,
} from '@loupe/shared';

export interface TimedResult {
  done: Done;
  /** Client wall time from handing the frame to the socket to receiving `done`. */
  roundTripMs: number;
  /** Client wall time from the frame to `started` (queue + intake as the client sees it). */
  startedMs: number;
  /** Client wall time from the frame to the first `delta` (0 when none came). */
  firstDeltaMs: number;
}

/** The bench's WebSocket client: one job at a time, timed from the client's side. */
export class BenchClient {
  private pending = new Map<string, (m: ServerMessage) => void>();
  private seq = 0;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const m = parseServerMessage(data.toString());
      const id = 'id' in m && typeof m.id === 'string' ? m.id : '';
      this.pending.get(id)?.(m);
    });
  }

  static async connect(port: number, token: string): Promise<BenchClient> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}`, [WS_SUBPROTOCOL, `${WS_AUTH_PREFIX}${token}`], { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const client = new BenchClient(ws);
    await new Promise<void>((resolve) => {
      client.pending.set('', (m) => {
        if (m.type === 'hello') {
          client.pending.delete('');
          resolve();
        }
      });
      ws.send(JSON.stringify({ type: 'hello', protocols: [PROTOCOL_VERSION], client: { name: 'loupe-bench', version: '1' } }));
    });
    return client;
  }

  run(job: Omit<SubmitJobInput, 'images' | 'type' | 'id'>, images: Uint8Array[]): Promise<TimedResult> {
    const id = `b${++this.seq}`;
    const frame = encodeSubmitFrame({ type: 'submit', id, ...job }, images);
    return new Promise((resolve, reject) => {
      let startedMs = 0;
      let firstDeltaMs = 0;
      const t0 = performance.now();
      this.pending.set(id, (m) => {
        if (m.type === 'started') startedMs = performance.now() - t0;
        if (m.type === 'delta' && firstDeltaMs === 0) firstDeltaMs = performance.now() - t0;
        if (!isTerminal(m)) return;
        this.pending.delete(id);
        if (m.type === 'done') resolve({ done: m, roundTripMs: performance.now() - t0, startedMs, firstDeltaMs });
        else reject(new Error(m.type === 'error' ? `${m.code}: ${m.message}` : 'job cancelled'));
      });
      this.ws.send(frame);
    });
  }

  close(): void {
    this.ws.close();
  }
}
