import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { CHROME_EXTENSION_ORIGIN } from '@loupe/shared';
import { startDaemon, type RunningDaemon } from '../helpers/daemon';
import { getRequest, rawRequest } from '../helpers/raw-http';
import { tryHandshake } from '../helpers/ws-client';

let d: RunningDaemon;

beforeAll(async () => {
  d = await startDaemon();
});
afterAll(async () => {
  await d?.stop();
});

describe('Host allowlist (DNS rebinding)', () => {
  const allowed = (p: number) => [`127.0.0.1:${p}`, `localhost:${p}`, `[::1]:${p}`, `LOCALHOST:${p}`];
  const refused = (p: number) => [
    `rebind.test:${p}`,
    `localhost6:${p}`,
    `127.1:${p}`,
    `0x7f.1:${p}`,
    `2130706433:${p}`,
    `0177.0.0.1:${p}`,
    `127.0.0.2:${p}`,
    '127.0.0.1',
    'localhost',
    `127.0.0.1:${p + 1}`,
    `127.0.0.1:${p}.evil.test`,
    '',
  ];

  it('answers /health for the three loopback spellings', async () => {
    for (const host of allowed(d.port)) {
      const r = await rawRequest(d.port, getRequest('/health', host));
      expect(r.status, host).toBe(200);
      expect(JSON.parse(r.body)).toEqual({ status: 'ok', version: expect.any(String) });
    }
  });

  it('refuses every other Host with 403, even with a valid token', async () => {
    for (const host of refused(d.port)) {
      const r = await rawRequest(d.port, getRequest('/v1/status', host, { authorization: `Bearer ${d.token}` }));
      expect(r.status, `Host "${host}"`).toBe(403);
      expect(r.body).toContain('forbidden_host');
    }
  });

  it('refuses a request without any Host header', async () => {
    const r = await rawRequest(d.port, `GET /health HTTP/1.0\r\n\r\n`);
    expect(r.status).toBe(403);
  });

  it('refuses rebinding Hosts on the WebSocket upgrade too', async () => {
    for (const host of refused(d.port).filter(Boolean)) {
      const out = await tryHandshake(d.port, { token: d.token, headers: { host } });
      expect(out.kind === 'http' ? out.status : out.kind, host).toBe(403);
    }
  });
});

describe('Origin allowlist then token', () => {
  const origins = ['https://evil.test', 'null', 'chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'moz-extension://12345678-1234-1234-1234-123456789abc', 'http://127.0.0.1:1234'];

  it('refuses foreign Origins with 403 on HTTP and WebSocket, even with the token', async () => {
    for (const origin of origins) {
      const r = await fetch(`${d.url}/v1/status`, { headers: { origin, authorization: `Bearer ${d.token}` } });
      expect(r.status, origin).toBe(403);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('forbidden_origin');
      const ws = await tryHandshake(d.port, { token: d.token, origin });
      expect(ws.kind === 'http' ? ws.status : ws.kind, origin).toBe(403);
    }
  });

  it('admits the pinned Chrome extension origin with the token, 401 without it', async () => {
    const ok = await fetch(`${d.url}/v1/status`, { headers: { origin: CHROME_EXTENSION_ORIGIN, authorization: `Bearer ${d.token}` } });
    expect(ok.status).toBe(200);
    const noToken = await fetch(`${d.url}/v1/status`, { headers: { origin: CHROME_EXTENSION_ORIGIN } });
    expect(noToken.status).toBe(401);
    const ws = await tryHandshake(d.port, { token: d.token, origin: CHROME_EXTENSION_ORIGIN });
    expect(ws.kind).toBe('open');
    if (ws.kind === 'open') {
      expect(ws.protocol).toBe('loupe.v1');
      ws.socket.terminate();
    }
  });

  it('refuses missing and wrong tokens with 401 (HTTP and WebSocket)', async () => {
    const cases: Array<Record<string, string>> = [{}, { authorization: 'Bearer wrong-token-wrong-token' }, { authorization: `Bearer ${d.token}x` }, { authorization: `Basic ${d.token}` }, { authorization: d.token }];
    for (const headers of cases) {
      const r = await fetch(`${d.url}/v1/status`, { headers });
      expect(r.status, JSON.stringify(headers)).toBe(401);
      const body = (await r.json()) as { error: { code: string; hint: string } };
      expect(body.error.code).toBe('unauthorized');
      expect(body.error.hint).toMatch(/loupe token/);
    }
    for (const token of [undefined, 'wrong-token-wrong-token', d.token.slice(0, -1)]) {
      const ws = await tryHandshake(d.port, token === undefined ? {} : { token });
      expect(ws.kind === 'http' ? ws.status : ws.kind).toBe(401);
    }
  });

  it('never accepts the token in the URL', async () => {
    const r = await fetch(`${d.url}/v1/status?token=${d.token}`);
    expect(r.status).toBe(401);
  });

  it('selects loupe.v1 and refuses a handshake that does not offer it', async () => {
    const ws = await tryHandshake(d.port, { protocols: [`loupe.auth.${d.token}`] });
    expect(ws.kind === 'http' ? ws.status : ws.kind).toBe(400);
    const ok = await tryHandshake(d.port, { token: d.token, perMessageDeflate: true });
    expect(ok.kind).toBe('open');
    if (ok.kind === 'open') {
      expect(ok.protocol).toBe('loupe.v1');
      // permessage-deflate is off: an offer gets no extension.
      expect(ok.extensions).toBe('');
      ok.socket.terminate();
    }
  });

  it('keeps /health free of private data and state-changing GETs out', async () => {
    const r = await fetch(`${d.url}/health`);
    const text = await r.text();
    expect(text).not.toContain(d.token);
    expect(text).not.toContain(d.home);
    const post = await fetch(`${d.url}/health`, { method: 'POST' });
    expect(post.status).toBe(401);
  });
});

describe('token storage', () => {
  it('stores the token with mode 0600 (LOUPE_TOKEN is persisted for pairing)', () => {
    const mode = statSync(join(d.home, 'token')).mode & 0o777;
    expect(mode).toBe(0o600);
  });

  it('binds 127.0.0.1 only: a non-loopback interface address is refused', async () => {
    const lan = Object.values(networkInterfaces()).flat().find((i) => i && !i.internal && i.family === 'IPv4');
    const loopback = await rawRequest(d.port, getRequest('/health', `127.0.0.1:${d.port}`));
    expect(loopback.status).toBe(200);
    if (!lan) return; // no other interface on this machine
    await expect(rawRequest(d.port, getRequest('/health', `127.0.0.1:${d.port}`), { host: lan.address, timeoutMs: 3000 })).rejects.toThrow(/ECONNREFUSED/);
  });
});
