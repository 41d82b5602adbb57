import { describe, expect, it, vi } from 'vitest';
import { connected, hello, setup, socket, until, useFakeCompanion } from './fake-companion';

useFakeCompanion();

/** The handshake, message validation and keepalive; reconnecting and pairing are in companion-link-reconnect.test.ts. */
describe('CompanionLink', () => {
  it('puts the token in the subprotocol list, never in the URL, and says hello first', async () => {
    const { link } = setup();
    link.connect();
    const ws = await socket(1);
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
    const ws = await socket(1);
    await ws.serverAccept('another-token-0000000000000000');
    expect(ws.sent).toEqual([]);
    expect(ws.readyState).toBe(3);
    expect(link.current.kind).not.toBe('connected');
    expect(() => link.send(new Uint8Array([1, 2, 3]))).toThrow(/not connected/);
  });

  it('ignores a hello that comes before the proof', async () => {
    const { link } = setup();
    link.connect();
    const ws = await socket(1);
    ws.serverOpen();
    ws.serverSend(hello);
    await until(() => ws.readyState === 3, 'the link to hang up');
    expect(ws.sent).toEqual([]);
    expect(link.current.kind).not.toBe('connected');
  });

  it('is connected only after the server hello, and then resolves ready()', async () => {
    const { link } = setup();
    const ready = link.ready();
    const ws = await socket(1);
    await ws.serverAccept();
    expect(link.current.kind).toBe('connecting');
    ws.serverSend(hello);
    await expect(ready).resolves.toBeUndefined();
    expect(link.current.kind).toBe('connected');
  });

  it('validates every server message: malformed ones are reported and dropped', async () => {
    const { ws, messages, invalid } = await connected();
    ws.serverSend('not json');
    ws.serverSend({ type: 'delta', id: 'j1' }); // text missing
    ws.serverSend({ type: 'explode' });
    ws.serverSend({ type: 'delta', id: 'j1', text: 'ok' });
    expect(invalid).toHaveLength(3);
    expect(messages.map((m) => m.type)).toEqual(['hello', 'delta']);
  });

  it('sends an application ping every keepalive period while connected', async () => {
    const { ws } = await connected();
    ws.sent.length = 0;
    vi.advanceTimersByTime(20_000);
    ws.serverSend({ type: 'pong' });
    vi.advanceTimersByTime(20_000);
    const pings = ws.sent.map((s) => JSON.parse(s as string)).filter((m) => m.type === 'ping');
    expect(pings).toHaveLength(2);
  });

  it('closes a link whose pings go unanswered and reconnects', async () => {
    const { ws, states, reaches } = await connected();
    const before = states.length;
    vi.advanceTimersByTime(20_000 * 4);
    expect(ws.readyState).toBe(3);
    await reaches('connecting', before);
    await vi.advanceTimersByTimeAsync(1_000);
    await socket(2);
  });

  it('refuses to send while not connected', () => {
    const { link } = setup();
    expect(() => link.send('x')).toThrow(/not connected/);
  });
});
