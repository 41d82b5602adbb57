import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { Page } from 'playwright-core';
import type { RunningDaemon } from '../helpers/daemon';
import { launchPaired, type ExtensionBrowser, type PairedBrowser } from './support/extension-browser';
import type { TestSite } from './support/test-site';
import { useWorld } from './support/world';

/**
 * Threat row "port squatting", end to end: the real extension in Chromium, paired with the real
 * companion; the companion stops and another process binds its port. The extension must hand
 * that process neither the token nor the user's next capture, and reconnect to the real one.
 */
let daemon: RunningDaemon;
let site: TestSite;
let browser: ExtensionBrowser;
let panel: Page;
let paired: PairedBrowser;
let home: string;

const world = useWorld({ homePrefix: 'loupe-e2e-squat-home-', launch: launchPaired, timeoutMs: 300_000 });
beforeAll(() => {
  ({ daemon, site, home, browser: paired } = world);
  ({ browser, panel } = paired);
});

describe('a squatter on the companion port, with the real extension', () => {
  it('gets neither the token nor a capture, and the extension reconnects to the real companion', async () => {
    const conn = panel.locator('[data-testid=conn]');
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    const token = readFileSync(join(home, 'token'), 'utf8').trim();
    const port = daemon.port;
    await daemon.stop();

    const seen: string[] = [];
    let binary = 0;
    let connections = 0;
    const squatter = new WebSocketServer({ port, host: '127.0.0.1', handleProtocols: () => 'loupe.v1' });
    squatter.on('connection', (ws, req) => {
      connections++;
      seen.push(JSON.stringify(req.headers));
      ws.on('message', (data, isBinary) => {
        if (isBinary) binary++;
        seen.push(data.toString('latin1'));
      });
      // Play along: a made-up challenge, then a companion's hello.
      ws.send(JSON.stringify({ type: 'auth-challenge', nonce: '0'.repeat(32), proof: '1'.repeat(64) }));
      ws.send(JSON.stringify({ type: 'hello', protocol: 1, server: { name: 'loupe', version: '0' }, status: { version: '0', clients: 1, queue: 0, engines: [], memory: { rssMb: 1, freeRamMb: 1 } } }));
    });
    await once(squatter, 'listening');
    try {
      await expect.poll(() => connections, { timeout: 90_000, interval: 500 }).toBeGreaterThan(0);
      // The user captures a page while the squatter holds the port.
      const page = await browser.context.newPage();
      const url = `${site.url}/article.html?squat`;
      await page.goto(url);
      await page.bringToFront();
      const tabId = await browser.tabId(url);
      await browser.sw((id: number) => (globalThis as unknown as { __loupe: { tabFlow(t: string, id: number): Promise<void> } }).__loupe.tabFlow('ocr', id), tabId);
      await new Promise((r) => setTimeout(r, 3_000));
      await page.close();
      expect(await conn.getAttribute('data-state')).not.toBe('connected');
      expect(seen.length).toBeGreaterThan(0);
      for (const s of seen) expect(s).not.toContain(token);
      expect(binary).toBe(0);
    } finally {
      for (const c of squatter.clients) c.terminate();
      await new Promise((r) => squatter.close(r));
    }

    daemon = await world.restartDaemon(['--port', String(port)]);
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 90_000 }).toBe('connected');
  });
});
