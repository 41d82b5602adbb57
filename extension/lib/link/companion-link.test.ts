import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handshakeText, hmacHex } from '@loupe/shared';
import type { ServerMessage } from '@loupe/shared';
import { Backoff } from './backoff';
import { CompanionLink, type LinkDeps, type LinkState } from './companion-link';

/** A scriptable stand-in for the browser's WebSocket: the test plays the server. */
class FakeSocket {
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
    await realWait(() => this.sent.length > 0 || this.readyState === 3);
  }
  serverSend(msg: unknown) {
    this.onmessage?.({ data: typeof msg === 'string' ? msg : JSON.stringify(msg) });
  }
  serverRefuse() {
    this.readyState = 3;
    this.onclose?.();
  }
}

const TOKEN = 'secret-token-abcdef0123456789';
// The link's HMAC runs on WebCrypto, outside the faked timers: wait for it in real time.
const realSetTimeout = globalThis.setTimeout;
async function realWait(done: () => boolean) {
  for (let i = 0; i < 400 && !done(); i++) await new Promise((r) => realSetTimeout(r, 5));
}

const hello = {
  type: 'hello',
  protocol: 1,
  server: { name: 'loupe', version: '0.1.0' },
  status: { version: '0.1.0', clients: 1, queue: 0, engines: [], memory: { rssMb: 1, freeRamMb: 1 } },
};

function setup(overrides: Partial<LinkDeps> = {}) {
  const states: LinkState[] = [];
  const messages: ServerMessage[] = [];
  const invalid: unknown[] = [];
  let disconnects = 0;
  const deps: LinkDeps = {
    WebSocketImpl: FakeSocket as unknown as LinkDeps['WebSocketImpl'],
    credentials: async () => ({ port: 7391, token: 'secret-token-abcdef0123456789' }),
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
  return { link, deps, states, messages, invalid, disconnects: () => disconnects };
}

const flush = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

beforeEach(() => {
  FakeSocket.all = [];
  vi.useFakeTimers();
});
afterEach(() => vi.useRealTimers());

describe('CompanionLink', () => {
  it('puts the token in the subprotocol list, never in the URL, and says hello first', async () => {
    const { link } = setup();
    link.connect();
    await flush();
    const ws = FakeSocket.all[0]!;
    expect(ws.url).toBe('ws://127.0.0.1:7391/v1/ws');
    expect(ws.url).not.toContain('secret');
    expect(ws.protocols[0]).toBe('loupe.v1');
    expect(ws.protocols[1]).toMatch(/^loupe\.challenge\.[0-9a-f]{32}$/);
    expect(ws.protocols.join()).not.toContain('secret');
    await ws.serverAccept();
    expect(JSON.parse(ws.sent[0] as string)).toMatchObject({ type: 'auth', proof: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(JSON.parse(ws.sent[1] as string)).toEqual({ type: 'hello', protocols: [1], client: { name: 'loupe-extension', version: '9.9.9' } });
  });

  it('sends nothing to a peer that cannot prove it holds the token, and closes', async () => {
    const { link } = setup();
    link.connect();
    await flush();
    const ws = FakeSocket.all[0]!;
    await ws.serverAccept('another-token-0000000000000000');
    expect(ws.sent).toEqual([]);
    expect(ws.readyState).toBe(3);
    expect(link.current.kind).not.toBe('connected');
    expect(() => link.send(new Uint8Array([1, 2, 3]))).toThrow(/not connected/);
  });

  it('ignores a hello that comes before the proof', async () => {
    const { link } = setup();
    link.connect();
    await flush();
    const ws = FakeSocket.all[0]!;
    ws.serverOpen();
    ws.serverSend(hello);
    await realWait(() => ws.readyState === 3);
    expect(ws.sent).toEqual([]);
    expect(link.current.kind).not.toBe('connected');
  });

  it('is connected only after the server hello, and then resolves ready()', async () => {
    const { link } = setup();
    const ready = link.ready();
    await flush();
    const ws = FakeSocket.all[0]!;
    await ws.serverAccept();
    expect(link.current.kind).toBe('connecting');
    ws.serverSend(hello);
    await expect(ready).resolves.toBeUndefined();
    expect(link.current.kind).toBe('connected');
  });

  it('validates every server message: malformed ones are reported and dropped', async () => {
    const { link, messages, invalid } = setup();
    link.connect();
    await flush();
    const ws = FakeSocket.all[0]!;
    await ws.serverAccept();
    ws.serverSend(hello);
    ws.serverSend('not json');
    ws.serverSend({ type: 'delta', id: 'j1' }); // text missing
    ws.serverSend({ type: 'explode' });
    ws.serverSend({ type: 'delta', id: 'j1', text: 'ok' });
    expect(invalid).toHaveLength(3);
    expect(messages.map((m) => m.type)).toEqual(['hello', 'delta']);
  });

  it('sends an application ping every keepalive period while connected', async () => {
    const { link } = setup();
    link.connect();
    await flush();
    const ws = FakeSocket.all[0]!;
    await ws.serverAccept();
    ws.serverSend(hello);
    ws.sent.length = 0;
    vi.advanceTimersByTime(20_000);
    ws.serverSend({ type: 'pong' });
    vi.advanceTimersByTime(20_000);
    const pings = ws.sent.map((s) => JSON.parse(s as string)).filter((m) => m.type === 'ping');
    expect(pings).toHaveLength(2);
  });

  it('closes a link whose pings go unanswered and reconnects', async () => {
    const { link } = setup();
    link.connect();
    await flush();
    const ws = FakeSocket.all[0]!;
    await ws.serverAccept();
    ws.serverSend(hello);
    vi.advanceTimersByTime(20_000 * 4);
    expect(ws.readyState).toBe(3);
    await flush();
    vi.advanceTimersByTime(1_000);
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('reconnects with growing delays after the companion goes away', async () => {
    const probe = vi.fn(async () => false);
    const { link, states, disconnects } = setup({ probe });
    link.connect();
    await flush();
    await FakeSocket.all[0]!.serverAccept();
    FakeSocket.all[0]!.serverSend(hello);
    FakeSocket.all[0]!.close(); // daemon stopped
    expect(disconnects()).toBe(1);
    await flush();
    vi.advanceTimersByTime(999);
    await flush();
    expect(FakeSocket.all).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.serverRefuse(); // nothing listens now
    await flush();
    const offline = states.at(-1)!;
    expect(offline.kind).toBe('offline');
    expect(offline.kind === 'offline' && offline.retryInMs).toBe(2000);
    vi.advanceTimersByTime(2000);
    await flush();
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('reconnects about a second after /health answers again, however long the back-off had grown', async () => {
    let up = false;
    const probe = vi.fn(async () => up);
    const { link, states } = setup({ probe, backoff: new Backoff({ baseMs: 30_000, maxMs: 30_000, random: () => 0.5 }) });
    link.connect();
    await flush();
    FakeSocket.all[0]!.serverRefuse();
    await flush();
    const offline = states.at(-1)!;
    expect(offline.kind).toBe('offline');
    expect(offline.kind === 'offline' && offline.retryAt - Date.now()).toBe(30_000);
    vi.advanceTimersByTime(3_000);
    await flush();
    expect(FakeSocket.all).toHaveLength(1); // still down: only /health probes, no socket
    up = true;
    vi.advanceTimersByTime(1_000);
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    await FakeSocket.all[1]!.serverAccept();
    FakeSocket.all[1]!.serverSend(hello);
    expect(link.current.kind).toBe('connected');
    vi.advanceTimersByTime(5_000);
    await flush();
    expect(FakeSocket.all).toHaveLength(2); // the watch stopped once connected
  });

  it('when the configured port is dead, finds the companion on the default port before saying it is not running', async () => {
    let port = 40_001;
    const usePort = vi.fn(async (p: number) => {
      port = p;
    });
    const probe = vi.fn(async (p: number) => p === 7391);
    const { link, states } = setup({ probe, usePort, defaultPort: 7391, credentials: async () => ({ port, token: 'secret-token-abcdef0123456789' }) });
    link.connect();
    await flush();
    expect(FakeSocket.all[0]!.url).toBe('ws://127.0.0.1:40001/v1/ws');
    FakeSocket.all[0]!.serverRefuse();
    await flush();
    expect(usePort).toHaveBeenCalledWith(7391);
    expect(FakeSocket.all[1]!.url).toBe('ws://127.0.0.1:7391/v1/ws');
    expect(states.some((s) => s.kind === 'offline')).toBe(false);
  });

  it('says offline, naming where else it looked, when neither port answers', async () => {
    const { link, states } = setup({ probe: vi.fn(async () => false), usePort: vi.fn(async () => undefined), defaultPort: 7391, credentials: async () => ({ port: 40_002, token: 'secret-token-abcdef0123456789' }) });
    link.connect();
    await flush();
    FakeSocket.all[0]!.serverRefuse();
    await flush();
    expect(states.at(-1)).toMatchObject({ kind: 'offline', port: 40_002, searched: [7391] });
  });

  it('re-pairs once when the companion is up but refuses the token, then reports unpaired', async () => {
    const pair = vi.fn(async () => false);
    const { link } = setup({ pair, probe: vi.fn(async () => true) });
    link.connect();
    await flush();
    FakeSocket.all[0]!.serverRefuse(); // 401 on the upgrade
    await flush();
    expect(pair).toHaveBeenCalledTimes(1);
    expect(link.current.kind).toBe('unpaired');
  });

  it('connects with the new token right after a successful re-pairing', async () => {
    let token = 'old-token-0000000000000000';
    const pair = vi.fn(async () => {
      token = 'new-token-1111111111111111';
      return true;
    });
    const { link } = setup({ pair, credentials: async () => ({ port: 7391, token }) });
    link.connect();
    await flush();
    FakeSocket.all[0]!.serverRefuse();
    await flush();
    expect(FakeSocket.all).toHaveLength(2);
    await FakeSocket.all[1]!.serverAccept('new-token-1111111111111111');
    expect(FakeSocket.all[1]!.sent).toHaveLength(2);
  });

  it('without a token: pairs first (which also tells the port), else says offline or unpaired', async () => {
    const pair = vi.fn(async () => false);
    const a = setup({ credentials: async () => ({ port: 1234 }), probe: vi.fn(async () => false), pair });
    a.link.connect();
    await flush();
    expect(pair).toHaveBeenCalledTimes(1);
    expect(a.link.current).toMatchObject({ kind: 'offline', port: 1234 });
    a.link.stop();

    const b = setup({ credentials: async () => ({ port: 1234 }), probe: vi.fn(async () => true), pair });
    b.link.connect();
    await flush();
    expect(b.link.current).toMatchObject({ kind: 'unpaired', port: 1234 });
    expect(FakeSocket.all).toHaveLength(0);

    let creds: { port: number; token?: string } = { port: 1234 };
    const c = setup({
      credentials: async () => creds,
      pair: vi.fn(async () => {
        creds = { port: 40123, token: 'paired-token-0123456789abcdef' };
        return true;
      }),
    });
    c.link.connect();
    await flush();
    expect(FakeSocket.all[0]!.url).toBe('ws://127.0.0.1:40123/v1/ws');
  });

  it('tries pairing at most once per 30 s while the companion stays away', async () => {
    const pair = vi.fn(async () => false);
    const { link } = setup({ pair, probe: vi.fn(async () => false) });
    link.connect();
    for (let i = 0; i < 6; i++) {
      await flush();
      FakeSocket.all.at(-1)?.serverRefuse();
      await flush();
      vi.advanceTimersByTime(4_000);
    }
    expect(FakeSocket.all.length).toBeGreaterThan(2);
    expect(pair).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30_000);
    await flush();
    FakeSocket.all.at(-1)?.serverRefuse();
    await flush();
    expect(pair).toHaveBeenCalledTimes(2);
  });

  it('ready() rejects with the link state when the companion cannot be reached', async () => {
    const { link } = setup({ probe: vi.fn(async () => false) });
    const ready = link.ready(5_000);
    await flush();
    FakeSocket.all[0]!.serverRefuse();
    await flush();
    await expect(ready).rejects.toThrow('offline');
  });

  it('refuses to send while not connected', () => {
    const { link } = setup();
    expect(() => link.send('x')).toThrow(/not connected/);
  });
});
