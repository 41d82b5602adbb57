import type { Socket } from 'node:net';
import WebSocket from 'ws';
import {
  encodeSubmitFrame,
  isTerminal,
  parseServerMessage,
  cancelMessage,
  helloMessage,
  WS_AUTH_PREFIX,
  WS_PATH,
  WS_SUBPROTOCOL,
  type ServerMessage,
  type SubmitJobInput,
  type TerminalMessage,
} from '@loupe/shared';

export interface ConnectOptions {
  token?: string;
  origin?: string;
  /** Extra / replacement subprotocols (default: loupe.v1 + loupe.auth.<token>). */
  protocols?: string[];
  headers?: Record<string, string>;
  perMessageDeflate?: boolean;
  /** Connect to this host instead of 127.0.0.1 (e.g. a LAN address). */
  host?: string;
}

export function wsProtocols(token?: string): string[] {
  return token === undefined ? [WS_SUBPROTOCOL] : [WS_SUBPROTOCOL, `${WS_AUTH_PREFIX}${token}`];
}

export function openSocket(port: number, options: ConnectOptions = {}): WebSocket {
  const url = `ws://${options.host ?? '127.0.0.1'}:${port}${WS_PATH}`;
  return new WebSocket(url, options.protocols ?? wsProtocols(options.token), {
    origin: options.origin,
    headers: options.headers,
    perMessageDeflate: options.perMessageDeflate ?? false,
    handshakeTimeout: 10_000,
  });
}

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

/** A protocol-level Loupe client that records every message, for assertions. */
export class LoupeClient {
  readonly messages: ServerMessage[] = [];
  readonly raw: string[] = [];
  closed: { code: number; reason: string } | undefined;
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      this.raw.push(text);
      this.messages.push(parseServerMessage(text));
      this.notify();
    });
    socket.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.notify();
    });
    socket.on('error', () => this.notify());
  }

  /** Connects, sends hello and waits for the server's hello. */
  static async connect(port: number, options: ConnectOptions & { hello?: boolean } = {}): Promise<LoupeClient> {
    const socket = openSocket(port, options);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused with HTTP ${res.statusCode}`)));
    });
    const client = new LoupeClient(socket);
    if (options.hello !== false) {
      client.send(helloMessage({ name: 'loupe-test', version: '0' }));
      await client.waitFor((m) => m.type === 'hello');
    }
    return client;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  submit(job: Omit<SubmitJobInput, 'images' | 'type'>, images: Uint8Array[] = []): void {
    this.socket.send(encodeSubmitFrame({ type: 'submit', ...job }, images));
  }

  cancel(id: string): void {
    this.send(cancelMessage(id));
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
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) this.socket.terminate();
  }
}

/** The TCP socket under a ws WebSocket (to pause reading, or write frames ws would refuse to send). */
export function tcpSocketOf(ws: WebSocket): Socket {
  return (ws as unknown as { _socket: Socket })._socket;
}
