import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { isTerminal, type ServerMessage, type SubmitFields, type TerminalMessage } from '@loupe/shared';
import { LoupeConnection } from '@loupe/companion/client/connection';
import { openSocket, wsProtocols, type SocketOptions } from '@loupe/companion/client/socket';

export { openSocket, wsProtocols };
/** Token sent as a subprotocol (`loupe.auth.<token>`) unless `protocols` replaces the offer. */
export type ConnectOptions = Omit<SocketOptions, 'challengeNonce' | 'handshakeTimeoutMs'>;

export type HandshakeOutcome =
  | { kind: 'open'; protocol: string; extensions: string; socket: WebSocket }
  | { kind: 'http'; status: number; body: string }
  | { kind: 'error'; message: string };

/** Tries a handshake and reports what happened: upgraded, HTTP refusal (status), or a socket error. */
export function tryHandshake(port: number, options: ConnectOptions = {}): Promise<HandshakeOutcome> {
  return new Promise((resolve) => {
    const ws = openSocket(port, options);
    ws.once('open', () => resolve({ kind: 'open', protocol: ws.protocol, extensions: ws.extensions, socket: ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ kind: 'http', status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ kind: 'http', status: res.statusCode ?? 0, body }));
    });
    ws.once('error', (e) => resolve({ kind: 'error', message: e.message }));
  });
}

/** A protocol-level Loupe client (the shared Node client underneath) that records every message, for assertions. */
export class LoupeClient {
  readonly messages: ServerMessage[] = [];
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: Array<() => void> = [];
  readonly socket: WebSocket;

  private constructor(private readonly conn: LoupeConnection) {
    this.socket = conn.socket;
    this.socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    this.socket.on('error', () => this.notify());
  }

  /** Connects (token as a subprotocol), sends hello and waits for the server's hello. */
  static async connect(port: number, options: ConnectOptions & { hello?: boolean } = {}): Promise<LoupeClient> {
    // Messages before the client exists (the server's hello) are kept and recorded first.
    const ready: { client?: LoupeClient } = {};
    const early: Array<[ServerMessage, string]> = [];
    const record = (m: ServerMessage, text: string): void => {
      if (ready.client) ready.client.record(m, text);
      else early.push([m, text]);
    };
    const conn = await LoupeConnection.connect(port, {
      ...options,
      auth: 'subprotocol',
      hello: options.hello === false ? false : { name: 'loupe-test', version: '0' },
      onMessage: record,
      onInvalid: (text, error) => {
        throw new Error(`the server sent a message that does not parse (${error.message}): ${text.slice(0, 200)}`);
      },
    });
    const client = new LoupeClient(conn);
    for (const [m, text] of early) client.record(m, text);
    ready.client = client;
    return client;
  }

  private record(message: ServerMessage, text: string): void {
    this.raw.push(text);
    this.messages.push(message);
    this.notify();
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  submit(job: SubmitFields, images: Uint8Array[] = []): void {
    this.conn.submit(job, images);
  }

  cancel(id: string): void {
    this.conn.cancel(id);
  }

  /** Resolves with the first recorded message (from `from`) matching `pred`. */
  async waitFor<T extends ServerMessage>(pred: (m: ServerMessage) => m is T, timeoutMs?: number, from?: number): Promise<T>;
  async waitFor(pred: (m: ServerMessage) => boolean, timeoutMs?: number, from?: number): Promise<ServerMessage>;
  async waitFor(pred: (m: ServerMessage) => boolean, timeoutMs = 60_000, from = 0): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(from).find(pred);
      if (found) return found;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) before the awaited message; got ${this.types()}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a message; got ${this.types()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  terminal(id: string, timeoutMs = 120_000): Promise<TerminalMessage> {
    return this.waitFor((m): m is TerminalMessage => isTerminal(m) && 'id' in m && m.id === id, timeoutMs);
  }

  forJob(id: string): ServerMessage[] {
    return this.messages.filter((m) => 'id' in m && m.id === id);
  }

  waitClose(timeoutMs = 10_000): Promise<{ code: number; reason: string }> {
    if (this.closed) return Promise.resolve(this.closed);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.socket.once('close', (code, reason) => {
        clearTimeout(t);
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  types(): string {
    return this.messages.map((m) => m.type + ('id' in m && m.id ? `:${m.id}` : '') + (m.type === 'error' ? `(${m.code})` : '')).join(', ');
  }

  close(): void {
    this.conn.terminate();
  }
}

/** The TCP socket under a ws WebSocket (to pause reading, or write frames ws would refuse to send). */
export function tcpSocketOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}
