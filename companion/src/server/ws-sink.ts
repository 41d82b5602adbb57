import WebSocket from 'ws';
import type { ServerMessage } from '@loupe/shared';
import type { JobSink } from '../queue/job-service';

/** Over this many unsent bytes the peer counts as not reading: deltas are coalesced. */
export const CONGESTED_BYTES = 1024 * 1024;
/** Over this many unsent bytes the peer is dropped: a paused reader must not grow our memory. */
export const DROP_BYTES = 16 * 1024 * 1024;

export function createWsSink(ws: WebSocket): JobSink {
  return {
    send(message: ServerMessage): void {
      if (ws.readyState !== WebSocket.OPEN) return;
      if (ws.bufferedAmount > DROP_BYTES) {
        ws.terminate();
        return;
      }
      ws.send(JSON.stringify(message));
    },
    get congested(): boolean {
      return ws.bufferedAmount > CONGESTED_BYTES;
    },
  };
}
