import { handshakeText, hmacHex } from '@loupe/shared';
import type { ServerMessage } from '@loupe/shared';
import { afterEach, beforeEach, vi } from 'vitest';
import { Backoff } from './backoff';
import { CompanionLink, type LinkDeps, type LinkState } from './companion-link';

/** The companion's side for CompanionLink's tests: a scriptable WebSocket the test plays the server on. */
export class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  sent: Array<string | Uint8Array> = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {
    FakeSocket.all.push(this);
  }
  send(data: string | Uint8Array) {
    this.sent.push(data);
  }
  close() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.();
  }
  serverOpen() {
    this.readyState = 1;
    this.onopen?.();
  }
  /** Opens and plays the companion's half of the challenge–response; resolves once the link answered. */
  async serverAccept(token = TOKEN, port = 7391) {
    this.serverOpen();
    const clientNonce = this.protocols[1]!.slice('loupe.challenge.'.length);
    const nonce = 'ab'.repeat(16);
    this.serverSend({ type: 'auth-challenge', nonce, proof: await hmacHex(token, handshakeText('server', port, clientNonce, nonce)) });
    await until(() => this.sent.length > 0 || this.readyState === 3, 'the link to answer the challenge (or hang up)');
  }
  serverSend(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  serverRefuse() {
    this.readyState = 3;
    this.onclose?.();
  }
}

/** For each test: no sockets yet, and fake timers (the link's back-off and keepalive). */
export function useFakeCompanion(): void {
  beforeEach(() => {
    FakeSocket.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());
}

export const TOKEN = 'secret-token-abcdef0123456789';

export const hello = {
  type: 'hello',
  protocol: 1,
  server: { name: 'loupe', version: '0.1.0' },
  status: { version: '0.1.0', clients: 1, queue: 0, engines: [], memory: { rssMb: 1, freeRamMb: 1 } },
};

// The link's steps are promises and its HMAC runs on WebCrypto, outside the faked timers: wait in real time.
const realSetTimeout = globalThis.setTimeout;

/** Waits in real time until `done()`, failing with `what` after two seconds. */
export async function until(done: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400; i++) {
    if (done()) return;
    await new Promise((r) => realSetTimeout(r, 5));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The n-th socket the link opened (1-based), once it exists. */
export async function socket(n: number): Promise<FakeSocket> {
  await until(() => FakeSocket.all.length >= n, `socket ${n}`);
  return FakeSocket.all[n - 1]!;
}

export function setup(overrides: Partial<LinkDeps> = {}) {
  const states: LinkState[] = [];
  const messages: ServerMessage[] = [];
  const invalid: unknown[] = [];
  let disconnects = 0;
  const deps: LinkDeps = {
    WebSocketImpl: FakeSocket as unknown as LinkDeps['WebSocketImpl'],
    credentials: async () => ({ port: 7391, token: TOKEN }),
    probe: vi.fn(async () => true),
    pair: vi.fn(async () => false),
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    onDisconnect: () => disconnects++,
    onInvalid: (e) => invalid.push(e),
    clientVersion: '9.9.9',
    keepaliveMs: 20_000,
    backoff: new Backoff({ baseMs: 1000, maxMs: 30_000, random: () => 0.5 }),
    ...overrides,
  };
  const link = new CompanionLink(deps);
  /** Waits until the link reports a state of `kind`, after the `after`-th report. */
  const reaches = (kind: LinkState['kind'], after = 0) => until(() => states.slice(after).some((s) => s.kind === kind), `the link to be ${kind}`);
  return { link, deps, states, messages, invalid, reaches, disconnects: () => disconnects };
}

/** A link connected to the fake companion: proof answered, hello received. */
export async function connected(overrides: Partial<LinkDeps> = {}) {
  const t = setup(overrides);
  const n = FakeSocket.all.length + 1;
  t.link.connect();
  const ws = await socket(n);
  await ws.serverAccept();
  ws.serverSend(hello);
  return { ...t, ws };
}
