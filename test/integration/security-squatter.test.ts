import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { handshakeText, helloMessage, hmacHex, WS_CHALLENGE_PREFIX, WS_SUBPROTOCOL } from '@loupe/shared';
import type { ServerMessage } from '@loupe/shared';
import { CompanionLink, type LinkDeps, type LinkState } from '../../extension/lib/link/companion-link';
import { Backoff } from '../../extension/lib/link/backoff';
import { connectDaemon } from '@loupe/companion/cli/job-runner';
import { daemonForFile } from '../helpers/file-daemon';
import { openSocket } from '../helpers/ws-client';

/**
 * Threat row "port squatting": with the companion stopped, another local process binds its port.
 * The real extension link code (over the `ws` library's browser-compatible WebSocket) must hand
 * it neither the token nor an image; the real daemon proves itself and the link connects.
 */
const d = daemonForFile();

interface Squatter {
  port: number;
  seen: string[];
  binaryFrames: number;
  close(): Promise<void>;
}

/** A hostile listener: accepts any upgrade, records headers and frames, and plays along as told. */
async function startSquatter(play: (ws: WebSocket, protocols: string[]) => void): Promise<Squatter> {
  const seen: string[] = [];
  let binaryFrames = 0;
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => (p.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false) });
  wss.on('connection', (ws, req) => {
    seen.push(JSON.stringify(req.headers));
    ws.on('message', (data, isBinary) => {
      if (isBinary) binaryFrames++;
      seen.push(data.toString('latin1'));
    });
    play(ws, String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim()));
  });
  await once(wss, 'listening');
  return {
    port: (wss.address() as AddressInfo).port,
    seen,
    get binaryFrames() {
      return binaryFrames;
    },
    close: () => new Promise<void>((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    }),
  };
}

function makeLink(port: number, token: string) {
  const states: LinkState[] = [];
  const messages: ServerMessage[] = [];
  const deps: LinkDeps = {
    WebSocketImpl: WebSocket as unknown as LinkDeps['WebSocketImpl'],
    credentials: async () => ({ port, token }),
    probe: async () => true,
    pair: async () => false,
    onMessage: (m) => messages.push(m),
    onState: (s) => states.push(s),
    onDisconnect: () => undefined,
    clientVersion: 'test',
    backoff: new Backoff({ baseMs: 200, maxMs: 400, random: () => 0.5 }),
  };
  return { link: new CompanionLink(deps), states, messages };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('a process squatting the companion port', () => {
  const plays: Array<[string, (ws: WebSocket, protocols: string[]) => void]> = [
    ['says hello like a companion', (ws) => ws.on('message', () => ws.send(JSON.stringify({ type: 'hello', protocol: 1, server: { name: 'loupe', version: '0' }, status: { version: '0', clients: 1, queue: 0, engines: [], memory: { rssMb: 1, freeRamMb: 1 } } })))],
    ['sends a made-up challenge', (ws) => ws.send(JSON.stringify({ type: 'auth-challenge', nonce: '0'.repeat(32), proof: '1'.repeat(64) }))],
    ['stays silent', () => undefined],
  ];
  it.each(plays)('that %s learns neither the token nor an image', async (_name, play) => {
    const squatter = await startSquatter(play);
    const { link, states } = makeLink(squatter.port, d.token);
    try {
      link.connect();
      await sleep(1_500);
      expect(() => link.send(png)).toThrow(/not connected/);
      expect(states.some((s) => s.kind === 'connected')).toBe(false);
      expect(squatter.seen.length).toBeGreaterThan(0);
      for (const s of squatter.seen) expect(s).not.toContain(d.token);
      expect(squatter.binaryFrames).toBe(0);
    } finally {
      link.stop();
      await squatter.close();
    }
  });

  it('that relays the real companion (on another port) still gets nothing past the proof', async () => {
    const squatter = await startSquatter((client, protocols) => {
      const upstream = openSocket(d.port, { protocols });
      const queued: Array<[WebSocket.RawData, boolean]> = [];
      client.on('message', (data, isBinary) => (upstream.readyState === WebSocket.OPEN ? upstream.send(data, { binary: isBinary }) : queued.push([data, isBinary])));
      upstream.on('open', () => queued.splice(0).forEach(([data, binary]) => upstream.send(data, { binary })));
      upstream.on('message', (data, isBinary) => client.send(data, { binary: isBinary }));
      upstream.on('close', () => client.close());
      upstream.on('error', () => client.close());
    });
    const { link, states } = makeLink(squatter.port, d.token);
    try {
      link.connect();
      await sleep(1_500);
      expect(states.some((s) => s.kind === 'connected')).toBe(false);
      for (const s of squatter.seen) expect(s).not.toContain(d.token);
      expect(squatter.binaryFrames).toBe(0);
    } finally {
      link.stop();
      await squatter.close();
    }
  });
});

describe('the CLI against a squatter', () => {
  it('gives up with a clear error before sending the token or a job', async () => {
    const squatter = await startSquatter((ws) => ws.send(JSON.stringify({ type: 'auth-challenge', nonce: '0'.repeat(32), proof: '1'.repeat(64) })));
    try {
      await expect(connectDaemon(squatter.port, d.token)).rejects.toThrow(/did not prove it holds this companion's token.*nothing was sent/);
      for (const s of squatter.seen) expect(s).not.toContain(d.token);
    } finally {
      await squatter.close();
    }
    const real = await connectDaemon(d.port, d.token);
    await real.close();
  });
});

describe('the real companion and the challenge–response', () => {
  it('proves itself to the real link code, which then connects', async () => {
    const { link, messages } = makeLink(d.port, d.token);
    try {
      await link.ready(10_000);
      expect(messages[0]).toMatchObject({ type: 'hello', server: { name: 'loupe' } });
      link.send(JSON.stringify({ type: 'status' }));
      await expect.poll(() => messages.some((m) => m.type === 'status')).toBe(true);
    } finally {
      link.stop();
    }
  });

  async function challengeSocket() {
    const nonce = 'c'.repeat(32);
    const ws = openSocket(d.port, { protocols: [WS_SUBPROTOCOL, WS_CHALLENGE_PREFIX + nonce] });
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (data) => resolve(data.toString()));
      ws.once('error', reject);
      ws.once('unexpected-response', (_q, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    const closed = new Promise<{ code: number; at: number }>((r) => ws.once('close', (code) => r({ code, at: Date.now() })));
    return { ws, nonce, challenge: JSON.parse(first) as { type: string; nonce: string; proof: string }, closed };
  }

  it('sends a proof bound to its port, without needing the token first', async () => {
    const { ws, nonce, challenge } = await challengeSocket();
    expect(challenge.type).toBe('auth-challenge');
    expect(challenge.proof).toBe(await hmacHex(d.token, handshakeText('server', d.port, nonce, challenge.nonce)));
    ws.send(JSON.stringify({ type: 'auth', proof: await hmacHex(d.token, handshakeText('client', d.port, nonce, challenge.nonce)) }));
    ws.send(helloMessage({ name: 'raw', version: '0' }));
    const hello = await new Promise<string>((r) => ws.once('message', (data) => r(data.toString())));
    expect(JSON.parse(hello)).toMatchObject({ type: 'hello' });
    ws.terminate();
  });

  it.each([
    ['a wrong proof', (ws: WebSocket) => ws.send(JSON.stringify({ type: 'auth', proof: 'f'.repeat(64) }))],
    ['a hello instead of the proof', (ws: WebSocket) => ws.send(helloMessage({ name: 'x', version: '0' }))],
    ['an image frame instead of the proof', (ws: WebSocket) => ws.send(Buffer.alloc(64 * 1024), { binary: true })],
    ['nothing', () => undefined],
  ])('closes a challenge connection that answers with %s, within the auth deadline', async (_name, act) => {
    const { ws, closed } = await challengeSocket();
    const start = Date.now();
    act(ws);
    const { code, at } = await closed;
    expect([1008, 1006]).toContain(code);
    expect(at - start).toBeLessThan(3_000);
  });
});
