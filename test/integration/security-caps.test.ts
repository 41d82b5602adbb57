import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { CHROME_EXTENSION_ORIGIN } from '@loupe/shared';
import { startDaemon } from '../helpers/daemon';
import { textPng } from '../helpers/images';
import { LoupeClient, openSocket, tryHandshake } from '../helpers/ws-client';

/**
 * Threat row "one token holder exhausts memory or starves others": connection caps per client
 * identity (its Origin, or "local"), a small cap on text frames, a deadline for unfinished
 * messages, and a fair queue per identity rather than per connection.
 */
type Daemon = Awaited<ReturnType<typeof startDaemon>>;
let d: Daemon;
beforeAll(async () => {
  d = await startDaemon({ env: { LOUPE_MESSAGE_TIMEOUT_MS: '1500' } });
});
afterAll(async () => {
  await d?.stop();
});

const closeOf = (ws: WebSocket) => new Promise<{ code: number; at: number }>((r) => ws.once('close', (code) => r({ code, at: Date.now() })));
const opened = (ws: WebSocket) => new Promise<void>((resolve, reject) => {
  ws.once('open', () => resolve());
  ws.once('error', reject);
});

describe('resource caps', () => {
  it('closes a text frame far larger than any text message (1009) before it is buffered', async () => {
    const ws = openSocket(d.port, { token: d.token });
    await opened(ws);
    const closed = closeOf(ws);
    ws.send(JSON.stringify({ type: 'status', pad: 'x'.repeat(1024 * 1024) }));
    expect((await closed).code).toBe(1009);
  });

  it('closes a connection that leaves a fragmented message unfinished', async () => {
    const ws = openSocket(d.port, { token: d.token });
    await opened(ws);
    const closed = closeOf(ws);
    const start = Date.now();
    ws.send(Buffer.alloc(256 * 1024, 1), { binary: true, fin: false });
    const { at } = await closed;
    expect(at - start).toBeGreaterThanOrEqual(1_000);
    expect(at - start).toBeLessThan(6_000);
  });

  it('caps connections per client identity, and another identity still gets in', async () => {
    const held: WebSocket[] = [];
    try {
      for (let i = 0; i < 16; i++) {
        const ws = openSocket(d.port, { token: d.token });
        await opened(ws);
        held.push(ws);
      }
      const refused = await tryHandshake(d.port, { token: d.token });
      expect(refused).toMatchObject({ kind: 'http', status: 429 });
      const other = await tryHandshake(d.port, { token: d.token, origin: CHROME_EXTENSION_ORIGIN });
      expect(other.kind).toBe('open');
      if (other.kind === 'open') other.socket.terminate();
    } finally {
      for (const ws of held) ws.terminate();
    }
  });

  it('nine connections of one client with eight jobs each cannot starve another client', async () => {
    await new Promise((r) => setTimeout(r, 300)); // the previous test's sockets are gone
    const image = await textPng('Quarterly report\nRevenue grew by 12 percent\nCosts fell by 3 percent', 150);
    const flood = await Promise.all(Array.from({ length: 9 }, () => LoupeClient.connect(d.port, { token: d.token })));
    const victim = await LoupeClient.connect(d.port, { token: d.token, origin: CHROME_EXTENSION_ORIGIN });
    try {
      flood.forEach((c, i) => {
        for (let j = 0; j < 8; j++) c.submit({ id: `f${i}-${j}`, task: 'ocr' }, [image]);
      });
      victim.submit({ id: 'victim', task: 'ocr' }, [image]);
      const mine = await victim.terminal('victim', 120_000);
      expect(mine.type).toBe('done');
      const terminals = await Promise.all(flood.flatMap((c, i) => Array.from({ length: 8 }, (_, j) => c.terminal(`f${i}-${j}`, 120_000))));
      const busy = terminals.filter((t) => t.type === 'error' && t.code === 'busy').length;
      expect(busy).toBeGreaterThan(0); // the flood hit its identity's cap, not the victim
      expect(busy).toBeLessThan(72);
    } finally {
      for (const c of [...flood, victim]) c.close();
    }
  });
});

describe('HTTP bodies held at once', () => {
  it('refuses request data beyond the shared budget with 429, and frees it when requests end', async () => {
    const own = await startDaemon({ env: { LOUPE_BODY_BUDGET_BYTES: String(3 * 1024 * 1024) } });
    const { request } = await import('node:http');
    const open = () => {
      const req = request({ host: '127.0.0.1', port: own.port, path: '/v1/ocr', method: 'POST', headers: { host: `127.0.0.1:${own.port}`, authorization: `Bearer ${own.token}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(2 * 1024 * 1024) } });
      const status = new Promise<number>((resolve) => {
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(-1));
      });
      req.write(Buffer.alloc(1536 * 1024, 0x61));
      return { req, status };
    };
    try {
      const held = [open(), open(), open()];
      // Three bodies of 1.5 MB in flight against a 3 MB budget: at least one is refused.
      const refused = await Promise.race([Promise.any(held.map((h) => h.status.then((s) => (s === 429 ? s : Promise.reject(new Error(String(s))))))), new Promise((r) => setTimeout(() => r('none'), 5_000))]);
      expect(refused).toBe(429);
      for (const h of held) h.req.destroy();
      await new Promise((r) => setTimeout(r, 300));
      // Released: a request that fits is accepted again (and answered by its route: 400 for a bad form).
      const after = await fetch(`${own.url}/v1/ocr`, { method: 'POST', headers: { authorization: `Bearer ${own.token}`, 'content-type': 'multipart/form-data; boundary=x' }, body: Buffer.alloc(512 * 1024, 0x61) });
      expect(after.status).not.toBe(429);
    } finally {
      await own.stop();
    }
  });
});
