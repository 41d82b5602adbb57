import { describe, expect, it, vi } from 'vitest';
import { Backoff } from './backoff';
import { connected, FakeSocket, hello, setup, socket, useFakeCompanion } from './fake-companion';

useFakeCompanion();

describe('CompanionLink: reconnecting, finding the companion, re-pairing', () => {
  it('reconnects with growing delays after the companion goes away', async () => {
    const { ws, states, reaches, disconnects } = await connected({ probe: vi.fn(async () => false) });
    let seen = states.length;
    ws.close(); // daemon stopped
    expect(disconnects()).toBe(1);
    await reaches('connecting', seen);
    await vi.advanceTimersByTimeAsync(999);
    expect(FakeSocket.all).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    seen = states.length;
    (await socket(2)).serverRefuse(); // nothing listens now
    await reaches('offline', seen);
    expect(states.at(-1)).toMatchObject({ kind: 'offline', retryInMs: 2000 });
    await vi.advanceTimersByTimeAsync(2000);
    await socket(3);
  });

  it('reconnects about a second after /health answers again, however long the back-off had grown', async () => {
    let up = false;
    const probe = vi.fn(async () => up);
    const { link, states, reaches } = setup({ probe, backoff: new Backoff({ baseMs: 30_000, maxMs: 30_000, random: () => 0.5 }) });
    link.connect();
    (await socket(1)).serverRefuse();
    await reaches('offline');
    const offline = states.at(-1)!;
    expect(offline.kind === 'offline' && offline.retryAt - Date.now()).toBe(30_000);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(probe.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(FakeSocket.all).toHaveLength(1); // still down: only /health probes, no socket
    up = true;
    await vi.advanceTimersByTimeAsync(1_000);
    const ws = await socket(2);
    await ws.serverAccept();
    ws.serverSend(hello);
    expect(link.current.kind).toBe('connected');
    const probes = probe.mock.calls.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(probe.mock.calls.length).toBe(probes); // the watch stopped once connected
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('when the configured port is dead, finds the companion on the default port before saying it is not running', async () => {
    let port = 40_001;
    const usePort = vi.fn(async (p: number) => {
      port = p;
    });
    const probe = vi.fn(async (p: number) => p === 7391);
    const { link, states } = setup({ probe, usePort, defaultPort: 7391, credentials: async () => ({ port, token: 'secret-token-abcdef0123456789' }) });
    link.connect();
    const first = await socket(1);
    expect(first.url).toBe('ws://127.0.0.1:40001/v1/ws');
    first.serverRefuse();
    expect((await socket(2)).url).toBe('ws://127.0.0.1:7391/v1/ws');
    expect(usePort).toHaveBeenCalledWith(7391);
    expect(states.some((s) => s.kind === 'offline')).toBe(false);
  });

  it('says offline, naming where else it looked, when neither port answers', async () => {
    const { link, states, reaches } = setup({ probe: vi.fn(async () => false), usePort: vi.fn(async () => undefined), defaultPort: 7391, credentials: async () => ({ port: 40_002, token: 'secret-token-abcdef0123456789' }) });
    link.connect();
    (await socket(1)).serverRefuse();
    await reaches('offline');
    expect(states.at(-1)).toMatchObject({ kind: 'offline', port: 40_002, searched: [7391] });
  });

  it('re-pairs once when the companion is up but refuses the token, then reports unpaired', async () => {
    const pair = vi.fn(async () => false);
    const { link, reaches } = setup({ pair, probe: vi.fn(async () => true) });
    link.connect();
    (await socket(1)).serverRefuse(); // 401 on the upgrade
    await reaches('unpaired');
    expect(pair).toHaveBeenCalledTimes(1);
  });

  it('connects with the new token right after a successful re-pairing', async () => {
    let token = 'old-token-0000000000000000';
    const pair = vi.fn(async () => {
      token = 'new-token-1111111111111111';
      return true;
    });
    const { link } = setup({ pair, credentials: async () => ({ port: 7391, token }) });
    link.connect();
    (await socket(1)).serverRefuse();
    const ws = await socket(2);
    await ws.serverAccept('new-token-1111111111111111');
    expect(ws.sent).toHaveLength(2);
  });

  it('without a token: pairs first (which also tells the port), else says offline or unpaired', async () => {
    const pair = vi.fn(async () => false);
    const a = setup({ credentials: async () => ({ port: 1234 }), probe: vi.fn(async () => false), pair });
    a.link.connect();
    await a.reaches('offline');
    expect(pair).toHaveBeenCalledTimes(1);
    expect(a.link.current).toMatchObject({ kind: 'offline', port: 1234 });
    a.link.stop();

    const b = setup({ credentials: async () => ({ port: 1234 }), probe: vi.fn(async () => true), pair });
    b.link.connect();
    await b.reaches('unpaired');
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
    expect((await socket(1)).url).toBe('ws://127.0.0.1:40123/v1/ws');
  });

  it('tries pairing at most once per 30 s while the companion stays away', async () => {
    const pair = vi.fn(async () => false);
    const { link, states, reaches } = setup({ pair, probe: vi.fn(async () => false) });
    link.connect();
    // Four refusals 1 + 2 + 4 + 8 s apart: one pairing; the fifth, 30 s later, may pair again.
    for (let n = 1; n <= 4; n++) {
      const seen = states.length;
      (await socket(n)).serverRefuse();
      await reaches('offline', seen);
      await vi.advanceTimersByTimeAsync((states.at(-1) as { retryInMs: number }).retryInMs);
    }
    expect(pair).toHaveBeenCalledTimes(1);
    const fifth = await socket(5);
    await vi.advanceTimersByTimeAsync(30_000);
    const seen = states.length;
    fifth.serverRefuse();
    await reaches('offline', seen);
    expect(pair).toHaveBeenCalledTimes(2);
  });

  it('ready() rejects with the link state when the companion cannot be reached', async () => {
    const { link } = setup({ probe: vi.fn(async () => false) });
    const ready = link.ready(5_000);
    (await socket(1)).serverRefuse();
    await expect(ready).rejects.toThrow('offline');
  });
});
