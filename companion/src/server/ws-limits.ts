import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';

/** A text message is JSON with at most a 16 000-character prompt: far below an image frame. */
export const MAX_TEXT_MESSAGE_BYTES = 256 * 1024;

export interface WsLimitOptions {
  /** Open connections per client identity (its Origin, or "local" for programs without one). */
  perIdentity: number;
  total: number;
  /** A message whose bytes started arriving this long ago and is still unfinished closes the connection. */
  messageTimeoutMs: number;
  /** Bytes of unfinished messages held across all connections. */
  inFlightBytes: number;
}

interface Tracked {
  ws: WebSocket;
  identity: string;
  pending: number;
  since: number;
}

/**
 * Caps what token holders can hold open: connections per identity and overall, small text
 * frames, a deadline for unfinished (fragmented or slowly sent) messages, and a budget for the
 * bytes of all unfinished messages together.
 */
export class WsLimits {
  private readonly open = new Set<Tracked>();
  private inFlight = 0;
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(private readonly o: WsLimitOptions) {
    this.timer = setInterval(() => this.sweep(), Math.max(50, Math.min(1_000, o.messageTimeoutMs / 4)));
    this.timer.unref();
  }

  /** Why a new connection from `identity` is refused, or undefined when it may open. */
  refusal(identity: string): string | undefined {
    if (this.open.size >= this.o.total) return `the companion already has ${this.o.total} connections open`;
    let mine = 0;
    for (const t of this.open) if (t.identity === identity) mine++;
    if (mine >= this.o.perIdentity) return `this client already has ${this.o.perIdentity} connections open`;
    return undefined;
  }

  track(ws: WebSocket, socket: Duplex, identity: string): void {
    const t: Tracked = { ws, identity, pending: 0, since: 0 };
    this.open.add(t);
    capTextMessages(ws);
    // Counted before ws parses the chunk, so a message completed by this chunk resets the count.
    socket.prependListener('data', (chunk: Buffer) => {
      if (t.pending === 0) t.since = Date.now();
      t.pending += chunk.length;
      this.inFlight += chunk.length;
      if (this.inFlight > this.o.inFlightBytes) {
        this.settle(t);
        ws.close(1013, 'the companion is holding too much unfinished data; try again');
        setTimeout(() => ws.terminate(), 500).unref();
      }
    });
    const done = (): void => this.settle(t);
    ws.on('message', done);
    ws.on('ping', done);
    ws.on('pong', done);
    ws.on('close', () => {
      this.settle(t);
      this.open.delete(t);
    });
  }

  close(): void {
    clearInterval(this.timer);
  }

  private settle(t: Tracked): void {
    this.inFlight -= t.pending;
    t.pending = 0;
  }

  private sweep(): void {
    const now = Date.now();
    for (const t of this.open) {
      if (t.pending > 0 && now - t.since > this.o.messageTimeoutMs) {
        this.settle(t);
        t.ws.terminate();
      }
    }
  }
}

/**
 * ws has one maxPayload for both kinds of message; text gets a much smaller one. ws 8 reads
 * `_maxPayload` when a frame's length is known, with `_opcode` already the message's (text = 1).
 */
function capTextMessages(ws: WebSocket): void {
  const receiver = (ws as unknown as { _receiver?: { _maxPayload?: number; _opcode?: number } })._receiver;
  if (!receiver || typeof receiver._maxPayload !== 'number') return;
  const binaryMax = receiver._maxPayload;
  Object.defineProperty(receiver, '_maxPayload', {
    configurable: true,
    get(this: { _opcode?: number }) {
      return this._opcode === 0x01 ? MAX_TEXT_MESSAGE_BYTES : binaryMax;
    },
    set() {
      /* fixed at connection time */
    },
  });
}
