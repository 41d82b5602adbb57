import { networkInterfaces } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ORIGIN, WS_PATH } from '@loupe/shared';
import { daemonForFile } from '../helpers/file-daemon';
import { getRequest, holdOpen, rawRequest, upgradeRequest } from '../helpers/raw-http';
import { LoupeClient, tcpSocketOf, tryHandshake, wsProtocols } from '../helpers/ws-client';
import { grayPng } from '../helpers/images';

/**
 * Threat table rows "web page opens WS / POSTs", "DNS rebinding", "local program forges
 * Origin", "simple GET / form POST side effects", "LAN exposure", "deflate bomb":
 * each one against a real daemon over real loopback sockets.
 */
const d = daemonForFile();

const FOREIGN_ORIGINS = [
  'https://evil.test',
  'http://127.0.0.1:1',
  'null',
  'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  // The pinned id with a suffix / in another scheme must not pass a prefix or substring check.
  `${CHROME_EXTENSION_ORIGIN}.evil.test`,
  CHROME_EXTENSION_ORIGIN.replace('chrome-extension', 'https'),
  // A Firefox origin that was never paired.
  'moz-extension://12345678-1234-1234-1234-123456789abc',
  '',
];

describe('Origin allowlist', () => {
  it('admits the pinned extension Origin and a local program without Origin', async () => {
    for (const origin of [CHROME_EXTENSION_ORIGIN, undefined]) {
      const outcome = await tryHandshake(d.port, { token: d.token, origin });
      expect(outcome.kind, String(origin)).toBe('open');
      if (outcome.kind === 'open') {
        expect(outcome.protocol).toBe('loupe.v1');
        outcome.socket.terminate();
      }
    }
  });

  it.each(FOREIGN_ORIGINS)('refuses a WebSocket with Origin %j even with the right token', async (origin) => {
    const outcome = await tryHandshake(d.port, { token: d.token, headers: { Origin: origin } });
    expect(outcome).toMatchObject({ kind: 'http', status: 403 });
    if (outcome.kind === 'http') expect(outcome.body).not.toContain(d.token);
  });

  it.each(FOREIGN_ORIGINS)('refuses HTTP with Origin %j even with the right token', async (origin) => {
    const res = await fetch(`${d.url}/v1/status`, { headers: { Origin: origin, Authorization: `Bearer ${d.token}` } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('DNS rebinding: exact Host allowlist', () => {
  const refused = (port: number) => [`rebind.test:${port}`, 'rebind.test', '', `localhost6:${port}`, `127.1:${port}`, `0x7f.1:${port}`, `2130706433:${port}`, `0177.0.0.1:${port}`, `127.0.0.1`, `127.0.0.1:${port + 1}`, `127.0.0.1.:${port}`, `localhost.:${port}`, `[::ffff:127.0.0.1]:${port}`, `127.0.0.1:${port}@rebind.test`];

  it('refuses every non-canonical Host on HTTP routes, including the public /health', async () => {
    for (const host of refused(d.port)) {
      for (const path of ['/health', '/v1/status']) {
        const res = await rawRequest(d.port, getRequest(path, host, { Authorization: `Bearer ${d.token}` }));
        expect(res.status, `${path} Host ${JSON.stringify(host)}`).toBe(403);
      }
    }
    const noHost = await rawRequest(d.port, getRequest('/health', null));
    expect([400, 403]).toContain(noHost.status);
  });

  it('refuses every non-canonical Host on the WebSocket upgrade', async () => {
    for (const host of refused(d.port)) {
      const request = upgradeRequest(d.port, `loupe.v1, loupe.auth.${d.token}`).replace(`Host: 127.0.0.1:${d.port}`, `Host: ${host}`);
      const res = await rawRequest(d.port, request, { timeoutMs: 2_000 });
      expect(res.status, `Host ${JSON.stringify(host)}`).toBe(403);
    }
    const noHost = await rawRequest(d.port, upgradeRequest(d.port, `loupe.v1, loupe.auth.${d.token}`).replace(`Host: 127.0.0.1:${d.port}\r\n`, ''), { timeoutMs: 2_000 });
    expect([400, 403]).toContain(noHost.status);
  });

  it('admits the three canonical spellings', async () => {
    for (const host of [`127.0.0.1:${d.port}`, `localhost:${d.port}`, `[::1]:${d.port}`, `LOCALHOST:${d.port}`]) {
      const res = await rawRequest(d.port, getRequest('/v1/status', host, { Authorization: `Bearer ${d.token}` }));
      expect(res.status, host).toBe(200);
    }
  });
});

describe('token: missing, wrong, late', () => {
  const upgrade = (protocols: string) => upgradeRequest(d.port, protocols || undefined);
  const cases = (): Array<[string, string]> => [
    ['missing', 'loupe.v1'],
    ['no subprotocol at all', ''],
    ['wrong', `loupe.v1, loupe.auth.${'0'.repeat(64)}`],
    ['empty', 'loupe.v1, loupe.auth.'],
    ['truncated', `loupe.v1, loupe.auth.${d.token.slice(0, -1)}`],
    ['extended', `loupe.v1, loupe.auth.${d.token}0`],
    ['upper-cased', `loupe.v1, loupe.auth.${d.token.toUpperCase()}`],
  ];

  it('a missing / wrong token: 401 and the socket closed within 2 s', async () => {
    for (const [what, offered] of cases()) {
      const held = await holdOpen(d.port, (s) => s.write(upgrade(offered)), 2_000);
      expect(held.data, what).toMatch(/^HTTP\/1\.1 401/);
      expect(held.closed, `${what}: server closed the refused upgrade within 2 s`).toBe(true);
    }
  });

  it('a token in the URL query is not accepted (tokens never travel in URLs)', async () => {
    const res = await rawRequest(d.port, getRequest(`/v1/status?token=${d.token}&access_token=${d.token}`, `127.0.0.1:${d.port}`));
    expect(res.status).toBe(401);
    const ws = await rawRequest(d.port, upgrade('loupe.v1').replace(WS_PATH, `${WS_PATH}?token=${d.token}`), { timeoutMs: 2_000 });
    expect(ws.status).toBe(401);
  });

  it('a late token: the refused upgrade stays refused when the token follows on the same socket', async () => {
    const held = await holdOpen(
      d.port,
      (s) => {
        s.write(upgrade('loupe.v1'));
        setTimeout(() => s.writable && s.write(`loupe.auth.${d.token}\r\n\r\n`), 300);
      },
      2_000,
    );
    expect(held.closed).toBe(true);
    expect(held.data).toMatch(/^HTTP\/1\.1 401/);
    expect(held.data).not.toMatch(/101 Switching/);
  });

  it('HTTP: missing / wrong / non-Bearer token → 401 with a hint, constant body', async () => {
    const bodies = new Set<string>();
    for (const auth of [undefined, 'Bearer nope', `Basic ${d.token}`, `Bearer ${d.token.slice(0, -1)}`, `Bearer ${d.token} x`]) {
      const res = await fetch(`${d.url}/v1/status`, { headers: auth ? { Authorization: auth } : {} });
      expect(res.status, String(auth)).toBe(401);
      const body = await res.text();
      expect(body).not.toContain(d.token);
      bodies.add(body);
    }
    // The refusal does not depend on how close the guess was.
    expect(bodies.size).toBe(1);
  });

  it('an idle connection that never sends its request is closed by the header timeout', async ({ annotate }) => {
    const held = await holdOpen(d.port, () => undefined, 30_000);
    expect(held.closed).toBe(true);
    await annotate(`idle pre-request connection closed after ${held.ms} ms`);
  });
});

describe('simple GET / form POST side effects', () => {
  const snapshot = async () => {
    const res = await fetch(`${d.url}/v1/status`, { headers: { Authorization: `Bearer ${d.token}` } });
    const s = (await res.json()) as { queue: number; clients: number; engines: Array<{ name: string; state: string; queue: number }> };
    const files = ['token', 'allowed-origins.json', 'config.json'].map((f) => {
      try {
        return readFileSync(join(d.home, f), 'utf8');
      } catch {
        return null;
      }
    });
    return { queue: s.queue, engines: s.engines.map((e) => `${e.name}:${e.state}:${e.queue}`), files };
  };

  it('cross-site form POSTs and <img>-style GETs change nothing', async () => {
    const before = await snapshot();
    const png = grayPng(32, 32);
    const form = new FormData();
    form.append('image', new Blob([png], { type: 'image/png' }), 'a.png');
    const attempts: Array<Promise<Response>> = [];
    for (const path of ['/v1/ocr', '/v1/describe', '/describe-image/', '/v1/chat/completions']) {
      // What a hostile page's <form method=post> sends: an Origin, no token.
      attempts.push(fetch(`${d.url}${path}`, { method: 'POST', body: form, headers: { Origin: 'https://evil.test' } }));
      attempts.push(fetch(`${d.url}${path}`, { method: 'POST', body: 'image=x', headers: { Origin: 'null', 'Content-Type': 'application/x-www-form-urlencoded' } }));
      attempts.push(fetch(`${d.url}${path}`, { method: 'POST', body: 'x', headers: { 'Content-Type': 'text/plain' } }));
      // <img src> GETs carry no Origin and no token.
      attempts.push(fetch(`${d.url}${path}?image=x`, { headers: { Accept: 'image/*' } }));
    }
    // Even with the token, a GET on a job route is refused and queues nothing.
    for (const path of ['/v1/ocr', '/v1/describe', '/describe-image/']) {
      attempts.push(fetch(`${d.url}${path}`, { headers: { Authorization: `Bearer ${d.token}` } }));
    }
    // A refused upload may also see its connection dropped (EPIPE) before it finished sending: still a refusal.
    const results = await Promise.all(attempts.map((p) => p.catch((e: Error) => e)));
    let dropped = 0;
    for (const res of results) {
      if (res instanceof Error) {
        dropped++;
        continue;
      }
      expect(res.status, res.url).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      await res.arrayBuffer();
    }
    expect(dropped).toBeLessThan(results.length / 2);
    const after = await snapshot();
    expect(after).toEqual(before);
  });

  it('a CORS preflight from a page gets no permission', async () => {
    const res = await fetch(`${d.url}/v1/ocr`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://evil.test', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-headers')).toBeNull();
  });
});

describe('LAN exposure', () => {
  it('is not reachable on a non-loopback interface address', async (ctx) => {
    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((a): a is NonNullable<typeof a> => !!a && !a.internal && a.family === 'IPv4')
      .map((a) => a.address);
    if (addresses.length === 0) {
      ctx.skip('this machine has no non-loopback IPv4 interface');
      return;
    }
    for (const host of addresses) {
      const outcome = await tryHandshake(d.port, { token: d.token, host });
      expect(outcome.kind, host).toBe('error');
      const http = await fetch(`http://${host}:${d.port}/health`).then(
        (r) => r.status,
        (e: Error) => (e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.message,
      );
      expect(http, host).toBe('ECONNREFUSED');
    }
    // 0.0.0.0 and the IPv6 any-address reach only what is bound to all interfaces.
    const v6 = await fetch(`http://[::1]:${d.port}/health`).then(
      (r) => r.status,
      () => 'refused',
    );
    expect(v6).toBe('refused');
  });
});

describe('deflate bomb', () => {
  it('a client offering permessage-deflate gets no extension', async () => {
    const outcome = await tryHandshake(d.port, { token: d.token, perMessageDeflate: true });
    expect(outcome.kind).toBe('open');
    if (outcome.kind !== 'open') return;
    expect(outcome.extensions).toBe('');
    outcome.socket.terminate();
    const raw = await rawRequest(
      d.port,
      [`GET ${WS_PATH} HTTP/1.1`, `Host: 127.0.0.1:${d.port}`, 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13', `Sec-WebSocket-Protocol: ${wsProtocols(d.token).join(', ')}`, 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, x-webkit-deflate-frame', '', ''].join('\r\n'),
      { timeoutMs: 1_000 },
    );
    expect(raw.status).toBe(101);
    expect(raw.head.toLowerCase()).not.toContain('sec-websocket-extensions');
  });

  it('a compressed (RSV1) frame on a connection without deflate is a protocol error, not inflated', async () => {
    const client = await LoupeClient.connect(d.port, { token: d.token });
    // Reach into the socket to write a frame with RSV1 set (ws refuses to send one itself).
    const sock = tcpSocketOf(client.socket);
    const payload = Buffer.from('{"type":"status"}');
    const mask = Buffer.from([1, 2, 3, 4]);
    const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
    sock.write(Buffer.concat([Buffer.from([0xc1, 0x80 | payload.length]), mask, masked]));
    const closed = await client.waitClose();
    expect(closed.code).toBe(1002);
    client.close();
  });
});
