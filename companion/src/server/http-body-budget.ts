import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendError } from '../api/http-io';

/**
 * Caps the request bytes all HTTP requests in progress hold together (each route also caps its
 * own body): ten parallel bodies just under the per-request limit must not take gigabytes.
 * Counted on the socket, so it works whatever parser a route uses; released when the response ends.
 */
export class BodyBudget {
  private held = 0;

  constructor(private readonly maxBytes: number) {}

  track(req: IncomingMessage, res: ServerResponse): void {
    const socket = req.socket;
    let mine = 0;
    const onData = (chunk: Buffer): void => {
      mine += chunk.length;
      this.held += chunk.length;
      if (this.held <= this.maxBytes) return;
      release();
      sendError(res, 429, 'busy', 'the companion is already receiving too much request data', 'Try again in a moment, or send smaller images.');
      setImmediate(() => socket.destroy());
    };
    const release = (): void => {
      socket.off('data', onData);
      this.held -= mine;
      mine = 0;
    };
    socket.on('data', onData);
    res.once('close', release);
  }
}
