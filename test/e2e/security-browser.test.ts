import { createServer, type Server } from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { startDaemon } from '../helpers/daemon';

/**
 * The threat table's browser rows with a real Chromium: a web page on another loopback port
 * tries the daemon's WebSocket and HTTP API (with and without the real token — the Origin
 * check alone must stop it), and a DNS-rebinding page reaches the daemon under its own name.
 */
const CHROMIUM = process.env.LOUPE_CHROMIUM ?? '/usr/bin/chromium';
type Daemon = Awaited<ReturnType<typeof startDaemon>>;
let d: Daemon;
let site: Server;
let sitePort: number;
let browser: Browser;

/** The attacker's page: tries everything and reports what got through. */
const ATTACK_PAGE = (daemonPort: number, token: string) => `<!doctype html><meta charset="utf-8"><title>evil</title>
<script>
const P = ${daemonPort};
const TOKEN = ${JSON.stringify(token)};
function ws(host, protocols) {
  return new Promise((resolve) => {
    let s;
    try { s = new WebSocket('ws://' + host + ':' + P + '/v1/ws', protocols); } catch (e) { return resolve('throw:' + e.name); }
    const t = setTimeout(() => { s.close(); resolve('timeout'); }, 5000);
    s.onopen = () => { clearTimeout(t); s.send(JSON.stringify({ type: 'status' })); s.onmessage = (m) => resolve('open:' + String(m.data).slice(0, 40)); };
    s.onerror = () => { clearTimeout(t); resolve('error'); };
  });
}
async function http(url, init) {
  try { const r = await fetch(url, init); return 'status:' + r.status + ':' + (await r.text()).slice(0, 40); } catch (e) { return 'blocked:' + e.name; }
}
window.__attack = async () => ({
  wsNoToken: await ws('127.0.0.1', ['loupe.v1']),
  wsToken: await ws('127.0.0.1', ['loupe.v1', 'loupe.auth.' + TOKEN]),
  wsLocalhost: await ws('localhost', ['loupe.v1', 'loupe.auth.' + TOKEN]),
  fetchStatus: await http('http://127.0.0.1:' + P + '/v1/status'),
  fetchStatusToken: await http('http://127.0.0.1:' + P + '/v1/status', { headers: { Authorization: 'Bearer ' + TOKEN } }),
  fetchHealthNoCors: await http('http://127.0.0.1:' + P + '/health', { mode: 'no-cors' }),
  postOcrNoCors: await http('http://127.0.0.1:' + P + '/v1/ocr', { method: 'POST', mode: 'no-cors', body: new FormData() }),
});
</script>`;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\``);
  d = await startDaemon({});
  site = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(ATTACK_PAGE(d.port, d.token));
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', () => r()));
  sitePort = (site.address() as AddressInfo).port;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
  });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((r) => (site ? site.close(() => r()) : r()));
  await d?.stop();
});

describe('a web page in Chromium', () => {
  it('on another loopback port cannot use the daemon over WebSocket or fetch, even knowing the token', async ({ annotate }) => {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${sitePort}/`);
    const results = await page.evaluate(() => (globalThis as unknown as { __attack(): Promise<Record<string, string>> }).__attack());
    await annotate(`attack page results: ${JSON.stringify(results)}`);
    for (const key of ['wsNoToken', 'wsToken', 'wsLocalhost']) expect(results[key], key).toBe('error');
    // The response never becomes readable to the page: a CORS failure, or an opaque/refused answer.
    for (const key of ['fetchStatus', 'fetchStatusToken']) expect(results[key], key).toMatch(/^blocked:|^status:0:$/);
    expect(results.fetchHealthNoCors).toMatch(/^status:0:$|^blocked:/);
    expect(results.postOcrNoCors).toMatch(/^status:0:$|^blocked:/);
    // And the daemon's queue shows no job from the page.
    const res = await fetch(`${d.url}/v1/status`, { headers: { Authorization: `Bearer ${d.token}` } });
    expect(((await res.json()) as { queue: number }).queue).toBe(0);
    await page.close();
  });

  it('DNS rebinding: http://rebind.test:PORT/ mapped to 127.0.0.1 gets 403 on every route', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`http://rebind.test:${d.port}/health`);
    expect(response?.status()).toBe(403);
    expect(await page.content()).not.toContain('"status":"ok"');
    const ws = await page.evaluate(
      (port) =>
        new Promise<string>((resolve) => {
          const s = new WebSocket(`ws://rebind.test:${port}/v1/ws`, ['loupe.v1']);
          s.onopen = () => resolve('open');
          s.onerror = () => resolve('error');
        }),
      d.port,
    );
    expect(ws).toBe('error');
    await page.close();
    // Every route, read by the browser as a top-level navigation under the rebinding name.
    const other = await browser.newPage();
    for (const path of ['/', '/v1/status', '/v1/models', '/v1/ws', '/describe-image/']) {
      const r = await other.goto(`http://rebind.test:${d.port}${path}`);
      expect(r?.status(), path).toBe(403);
    }
    await other.close();
  });
});
