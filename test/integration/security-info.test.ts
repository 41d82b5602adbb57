import { describe, expect, it } from 'vitest';
import { daemonForFile } from '../helpers/file-daemon';
import { rawRequest } from '../helpers/raw-http';
import { LoupeClient } from '../helpers/ws-client';

/** Issue 13's "info" row: HEAD /health, WebSocket versions other than 13, cancel of an unknown job. */
const d = daemonForFile();

describe('small protocol gaps', () => {
  it('HEAD /health answers 200 without a token, and without a body', async () => {
    const res = await fetch(`${d.url}/health`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('refuses a version-8 (hybi draft) WebSocket handshake even with the right token', async () => {
    const hybi = (version: string) =>
      [
        'GET /v1/ws HTTP/1.1',
        `Host: 127.0.0.1:${d.port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `Sec-WebSocket-Version: ${version}`,
        'Sec-WebSocket-Origin: https://evil.test',
        `Sec-WebSocket-Protocol: loupe.v1, loupe.auth.${d.token}`,
        '',
        '',
      ].join('\r\n');
    const res = await rawRequest(d.port, hybi('8'));
    expect(res.status).toBe(426);
    expect(res.head).toMatch(/sec-websocket-version: 13/i);
    expect((await rawRequest(d.port, hybi('13'), { timeoutMs: 1_500 })).status).toBe(101);
  });

  it('answers a cancel of a job this connection never submitted with not_found', async () => {
    const c = await LoupeClient.connect(d.port, { token: d.token });
    try {
      c.cancel('never-submitted');
      const reply = await c.waitFor((m) => m.type === 'error', 5_000);
      expect(reply).toMatchObject({ type: 'error', code: 'not_found', id: 'never-submitted' });
    } finally {
      c.close();
    }
  });
});
