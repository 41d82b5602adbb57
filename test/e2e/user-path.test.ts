// Over 300 lines: one user's walk through the panel, each step on the same browser and companion as the last.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEFAULT_PORT } from '@loupe/shared';
import type { RunningDaemon } from '../helpers/daemon';
import { grayPng } from '../helpers/images';
import { withoutStandInLabel } from '../../extension/lib/render/model-name';
import { ARTIFACTS, launchPaired, type ExtensionBrowser, type PairedBrowser } from './support/extension-browser';
import type { TestSite } from './support/test-site';
import { useWorld } from './support/world';

/**
 * The path a new user walks through the panel (the commands they are told to run:
 * user-commands.test.ts): the panel reconnects about a second after the companion is back and
 * finds it on the default port without pairing; history forgives; To code shows code and preview side by
 * side and previews a cancelled job's partial code; the CPU-fallback reason is on screen.
 */

type Loupe = { tabFlow(task: string, tabId: number): Promise<void>; imageFlow(task: string, tabId: number, frameId?: number, srcUrl?: string): Promise<void> };
type SwGlobal = { __loupe: Loupe & { session: { maxTokens?: number } } };

let daemon: RunningDaemon;
let model: { dir: string };
let site: TestSite;
let browser: ExtensionBrowser;
let panel: Page;
let paired: PairedBrowser;
let home: string;

const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const connState = () => panel.locator('[data-testid=conn]').getAttribute('data-state');

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

async function openSite(path: string): Promise<{ page: Page; tabId: number }> {
  const url = `${site.url}${path}?u=${Math.random().toString(36).slice(2)}`;
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.bringToFront();
  return { page, tabId: await browser.tabId(url) };
}

async function finished(p: Page) {
  const turn = p.locator('[data-testid=turn]').last();
  await expect.poll(() => turn.getAttribute('data-status'), { timeout: 120_000 }).toMatch(/done|error|cancelled/);
  return turn;
}

describe('the panel on the user path (Chromium, real companion)', () => {
  const world = useWorld({
    homePrefix: 'loupe-e2e-userpath-',
    // eosAfter counts prompt + image + answer tokens: the two To code steps must still be streaming when they
    // click Cancel, however fast this machine decodes, so the stand-in may write up to ~8,000 tokens.
    model: { eosAfter: 9000 },
    launch: ({ home, port }) => launchPaired({ home, port, dpr: 1 }),
    timeoutMs: 420_000,
  });
  beforeAll(() => {
    ({ daemon, site, home, browser: paired } = world);
    model = world.model!;
    ({ browser, panel } = paired);
  });

  it('shows why the model runs on the CPU: on hover and in a details row', async () => {
    await expect.poll(connState, { timeout: 60_000 }).toBe('connected');
    await expect.poll(() => panel.locator('[data-testid=vlm-state]').getAttribute('data-state'), { timeout: 180_000 }).toBe('ready');
    const chip = panel.locator('[data-testid=vlm-state]');
    const note = (await chip.getAttribute('title')) ?? '';
    const status = (await (await fetch(`${daemon.url}/v1/status`, { headers: { authorization: `Bearer ${daemon.token}` } })).json()) as { engines: Array<{ kind: string; note?: string; model?: { note?: string } }> };
    const vlm = status.engines.find((e) => e.kind === 'vlm')! as { note?: string; model?: { note?: string; device: string } };
    // The panel shows the stand-in label once per screen on its own, so the note drops it.
    const expected = withoutStandInLabel(vlm.note ?? vlm.model?.note ?? '');
    // --device auto on a machine without a usable CUDA provider: the companion says why it chose the CPU.
    if (vlm.model?.device === 'cpu') expect(expected).toMatch(/running on CPU: \S/);
    expect(expected.length).toBeGreaterThan(0);
    expect(note).toBe(expected);
    await panel.locator('[data-testid=device-details] summary').click();
    expect(await panel.locator('[data-testid=device-note]').textContent()).toBe(expected);
    expect(await panel.locator('[data-testid=device-note]').isVisible()).toBe(true);
    await shot(panel, 'u01-fallback-reason');
  });

  it('To code: code and preview side by side, a desktop-width scaled preview, a compare slider; after Cancel the partial code is previewed', async () => {
    await browser.sw(() => {
      (globalThis as unknown as SwGlobal).__loupe.session.maxTokens = 8000; // long enough to be cancelled mid-stream
    });
    const { page, tabId } = await openSite('/mockup.html');
    await browser.sw((id: number) => (globalThis as unknown as SwGlobal).__loupe.tabFlow('code', id), tabId);
    const turn = panel.locator('[data-testid=turn]').last();
    await expect.poll(() => turn.locator('[data-testid=answer]').textContent().catch(() => ''), { timeout: 120_000 }).not.toBe('');
    // While it streams: the code (with Cancel) and the capture sit side by side, both in view.
    expect(await panel.locator('[data-testid=conversation]').getAttribute('data-layout')).toBe('code-wide');
    const code = (await panel.locator('[data-testid=code-side]').boundingBox())!;
    const preview = (await panel.locator('[data-testid=preview-side]').boundingBox())!;
    expect(preview.x).toBeGreaterThan(code.x + code.width - 1);
    expect(Math.abs(preview.y - code.y)).toBeLessThan(40);
    expect(await panel.locator('[data-testid=cancel]').isVisible()).toBe(true);
    await shot(panel, 'u02-code-streaming-side-by-side');
    await panel.locator('[data-testid=cancel]').click();
    await expect.poll(() => turn.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    await browser.sw(() => {
      (globalThis as unknown as SwGlobal).__loupe.session.maxTokens = 40;
    });

    // The partial answer is previewed, at desktop width scaled into the panel.
    expect(await panel.locator('[data-testid=preview-partial]').isVisible()).toBe(true);
    const partial = ((await turn.locator('[data-testid=answer]').textContent()) ?? '').replace(/\s+/g, ' ').trim();
    const frame = panel.frameLocator('[data-testid=preview-frame]');
    await expect.poll(() => frame.locator('body').evaluate((b) => (b.textContent ?? '').replace(/\s+/g, ' ').trim()), { timeout: 10_000 }).not.toBe('');
    const bodyText = await frame.locator('body').evaluate((b) => (b.textContent ?? '').replace(/\s+/g, ' ').trim());
    expect(partial).toContain(bodyText.slice(0, 20));
    const iframe = panel.locator('[data-testid=preview-frame]');
    expect(await iframe.evaluate((el) => (el as unknown as { style: { width: string } }).style.width)).toBe('1280px');
    const shown = (await iframe.boundingBox())!;
    expect(shown.width).toBeLessThan(1280);
    expect(shown.width).toBeGreaterThan(200);
    await shot(panel, 'u03-code-cancelled-partial-preview');
    // Pop-out: the same sandboxed preview page in its own tab, rendering the same code.
    const [popup] = await Promise.all([browser.context.waitForEvent('page'), panel.locator('[data-testid=preview-popout]').click()]);
    await expect.poll(() => popup.locator('body').evaluate((b) => (b.textContent ?? '').replace(/\s+/g, ' ').trim()), { timeout: 10_000 }).toBe(bodyText);
    expect(popup.url()).toContain('/preview.html');
    await popup.setViewportSize({ width: 1280, height: 800 });
    await popup.screenshot({ path: join(ARTIFACTS, 'u03b-preview-popout-tab.png') });
    await popup.close();

    await panel.locator('[data-testid=view-compare]').click();
    expect(await panel.locator('[data-testid=compare-slider]').isVisible()).toBe(true);
    expect(await panel.locator('[data-testid=preview-capture]').isVisible()).toBe(true);
    await panel.locator('[data-testid=compare-slider]').fill('30');
    await shot(panel, 'u04-code-compare-slider');
    await panel.locator('[data-testid=view-preview]').click();
    await page.close();
  });

  it('a narrow panel stacks code over the preview and follows the stream, with Cancel in view, until the user scrolls away', async () => {
    await panel.setViewportSize({ width: 420, height: 700 });
    await browser.sw(() => {
      (globalThis as unknown as SwGlobal).__loupe.session.maxTokens = 8000;
    });
    const { page, tabId } = await openSite('/mockup.html');
    await browser.sw((id: number) => (globalThis as unknown as SwGlobal).__loupe.tabFlow('code', id), tabId);
    await panel.bringToFront();
    const turn = panel.locator('[data-testid=turn]').last();
    await expect.poll(() => turn.locator('[data-testid=answer]').textContent().then((t) => (t ?? '').length).catch(() => 0), { timeout: 120_000 }).toBeGreaterThan(900);
    expect(await panel.locator('[data-testid=conversation]').getAttribute('data-layout')).toBe('code-narrow');
    const code = (await panel.locator('[data-testid=code-side]').boundingBox())!;
    const preview = (await panel.locator('[data-testid=preview-side]').boundingBox())!;
    expect(preview.y).toBeGreaterThanOrEqual(code.y + code.height - 1);
    const atBottom = () => panel.evaluate(() => {
      const el = (globalThis as unknown as { document: { scrollingElement: { scrollTop: number; scrollHeight: number; clientHeight: number } } }).document.scrollingElement;
      return el.scrollHeight - el.scrollTop - el.clientHeight < 60;
    });
    const scrolls = () => panel.evaluate(() => (globalThis as unknown as { document: { scrollingElement: { scrollHeight: number; clientHeight: number } } }).document.scrollingElement.scrollHeight > (globalThis as unknown as { innerHeight: number }).innerHeight);
    expect(await scrolls()).toBe(true);
    await expect.poll(atBottom, { timeout: 5_000 }).toBe(true);
    const cancel = (await panel.locator('[data-testid=cancel]').boundingBox())!;
    expect(cancel.y).toBeGreaterThanOrEqual(0);
    expect(cancel.y + cancel.height).toBeLessThanOrEqual(700);
    await shot(panel, 'u02b-code-narrow-following');
    await panel.screenshot({ path: join(ARTIFACTS, 'u02c-code-narrow-viewport.png') });
    // The user scrolls up: the panel stays put and offers a way back.
    await panel.mouse.move(200, 300);
    await panel.mouse.wheel(0, -5000);
    await expect.poll(() => panel.locator('[data-testid=follow-latest]').isVisible(), { timeout: 5_000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await atBottom()).toBe(false);
    await panel.locator('[data-testid=follow-latest]').click();
    await expect.poll(atBottom, { timeout: 5_000 }).toBe(true);
    await panel.locator('[data-testid=cancel]').click();
    await expect.poll(() => turn.getAttribute('data-status'), { timeout: 30_000 }).toBe('cancelled');
    await browser.sw(() => {
      (globalThis as unknown as SwGlobal).__loupe.session.maxTokens = 40;
    });
    await panel.setViewportSize({ width: 900, height: 1000 });
    await page.close();
  });

  it('OCR of code: monospace block with its own copy button', async () => {
    await expect.poll(connState, { timeout: 60_000 }).toBe('connected');
    const code = ['function total(items) {', '  let sum = 0;', '  for (const item of items) {', '    sum += item.price;', '  }', '  return sum;', '}'];
    site.files.set('/code-source.html', {
      type: 'text/html',
      body: `<!doctype html><html><body style="margin:0;background:#fff"><pre id="code" style="display:inline-block;margin:0;padding:24px 32px;font:28px/1.5 'DejaVu Sans Mono',monospace;color:#111;background:#fff">${code.join('\n')}</pre></body></html>`,
    });
    const src = await browser.context.newPage();
    await src.goto(`${site.url}/code-source.html`);
    site.files.set('/code.png', { type: 'image/png', body: await src.locator('#code').screenshot() });
    await src.close();
    site.files.set('/code.html', { type: 'text/html', body: '<!doctype html><html><body><img id="img" src="/code.png" style="width:560px"></body></html>' });
    const { page, tabId } = await openSite('/code.html');
    await page.locator('#img').click({ button: 'right' });
    await browser.sw((a: { id: number; src: string }) => (globalThis as unknown as SwGlobal).__loupe.imageFlow('ocr', a.id, 0, a.src), { id: tabId, src: `${site.url}/code.png` });
    await expect.poll(async () => (await finished(panel)).getAttribute('data-task'), { timeout: 60_000 }).toBe('ocr');
    const turn = await finished(panel);
    await shot(panel, 'u04b-ocr-code-block');
    expect(await turn.getAttribute('data-status'), (await turn.textContent()) ?? '').toBe('done');
    writeFileSync(join(ARTIFACTS, 'ocr-code.txt'), (await browser.sw(() => (globalThis as unknown as { __loupe: { session: { conversation: { turns: Array<{ text: string }> } } } }).__loupe.session.conversation.turns.at(-1)!.text)) + '\n');
    const block = turn.locator('.ocr-code pre');
    expect(await block.count()).toBeGreaterThan(0);
    expect(await block.first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontFamily: string } }).getComputedStyle(el).fontFamily)).toMatch(/mono/i);
    expect((await block.first().textContent()) ?? '').toContain('return sum;');
    expect(await turn.locator('[data-testid=copy-code]').count()).toBe(await block.count());
    await shot(panel, 'u04b-ocr-code-block');
    await page.close();
  });

  it('OCR of an image with nothing to read: the panel says No text found', async () => {
    site.files.set('/blank.png', { type: 'image/png', body: grayPng(320, 160, { value: 240 }) });
    site.files.set('/blank.html', { type: 'text/html', body: '<!doctype html><html><body><img id="img" src="/blank.png"></body></html>' });
    const { page, tabId } = await openSite('/blank.html');
    await browser.sw((a: { id: number; src: string }) => (globalThis as unknown as SwGlobal).__loupe.imageFlow('ocr', a.id, 0, a.src), { id: tabId, src: `${site.url}/blank.png` });
    await expect.poll(async () => (await finished(panel)).getAttribute('data-task'), { timeout: 60_000 }).toBe('ocr');
    const turn = await finished(panel);
    expect(await turn.getAttribute('data-status'), (await turn.textContent()) ?? '').toBe('done');
    expect(await turn.locator('[data-testid=no-text]').textContent()).toContain('No text found');
    expect(await turn.locator('[data-testid=answer]').count()).toBe(0);
    await shot(panel, 'u04c-ocr-no-text');
    await page.close();
  });

  it('the stand-in label appears once per screen', async () => {
    const { page, tabId } = await openSite('/background.html');
    await page.locator('#hero span').click({ button: 'right' });
    await browser.sw((id: number) => (globalThis as unknown as SwGlobal).__loupe.imageFlow('describe', id), tabId);
    await expect.poll(async () => (await finished(panel)).getAttribute('data-task')).toBe('describe');
    await panel.locator('[data-testid=followup-input]').fill('And the colour?');
    await panel.locator('[data-testid=followup-send]').click();
    await expect.poll(() => panel.locator('[data-testid=turn]').count()).toBe(2);
    await finished(panel);
    expect(await panel.locator('.standin').count()).toBe(1);
    // Not in the model names either: the words appear once on the whole screen.
    expect((await panel.locator('[data-testid=panel]').innerText()).split('test stand-in').length - 1).toBe(1);
    await shot(panel, 'u05-standin-once');
    await page.close();
  });

  it('history: Clear all can be undone; an exported file imports back (a bad one is refused with the fix)', async () => {
    await panel.locator('[data-testid=tab-history]').click();
    const entries = panel.locator('[data-testid=history-entry]');
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(2);
    const before = await entries.count();
    // The cancelled To code job is kept (it has partial code) and marked.
    expect(await panel.locator('[data-testid=history-failed]').count()).toBeGreaterThanOrEqual(1);
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.locator('[data-testid=history-export]').click()]);
    const exported = readFileSync((await download.path())!, 'utf8');

    await panel.locator('[data-testid=history-clear]').click();
    await expect.poll(() => entries.count()).toBe(0);
    expect(await panel.locator('[data-testid=history-undo-bar]').textContent()).toContain(`Cleared ${before} entries`);
    await shot(panel, 'u06-history-cleared-undo');
    await panel.locator('[data-testid=history-undo]').click();
    await expect.poll(() => entries.count()).toBe(before);

    const file = (name: string, text: string) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    const notice = panel.locator('[data-testid=history-notice]');
    const bad = JSON.parse(exported);
    bad.entries[0].turns[0].task = 'dance';
    await panel.locator('[data-testid=history-import]').setInputFiles(file('bad.json', JSON.stringify(bad)));
    await expect.poll(() => notice.textContent()).toMatch(/entries\[0\]\.turns\[0\]\.task .*fix or remove it/);
    await panel.locator('[data-testid=history-clear]').click();
    await expect.poll(() => entries.count()).toBe(0);
    await panel.locator('[data-testid=history-import]').setInputFiles(file('loupe-history.json', exported));
    await expect.poll(() => notice.textContent()).toBe(`Imported ${before} entries (0 were already there).`);
    await expect.poll(() => entries.count()).toBe(before);
    await shot(panel, 'u07-history-imported');
  });

  it('continue a conversation from history: long answers collapse, the follow-up is answered', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Line ${i + 1} of a long imported answer.`).join('\n');
    const thumb = `data:image/png;base64,${grayPng(120, 80, { value: 140 }).toString('base64')}`;
    const entry = { id: 'c-imported-long', createdAt: 1, updatedAt: Date.now(), source: 'image', pageTitle: 'Imported', thumbnail: thumb, turns: [{ id: 'j-1', task: 'describe', text: long, status: 'done' }] };
    await panel.locator('[data-testid=history-import]').setInputFiles({ name: 'one.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ format: 'loupe-history', version: 1, entries: [entry] })) });
    await expect.poll(() => panel.locator('[data-testid=history-notice]').textContent()).toMatch(/^Imported 1 entries/);
    const item = panel.locator('[data-testid=history-entry]').first();
    await item.locator('button').first().click();
    await item.locator('[data-testid=history-continue]').click();
    await expect.poll(() => panel.locator('[data-testid=conversation]').getAttribute('data-id')).toBe('c-imported-long');
    expect(await panel.locator('[data-testid=continued-note]').textContent()).toContain('120 × 80');
    await panel.locator('[data-testid=followup-input]').fill('What else?');
    await panel.locator('[data-testid=followup-send]').click();
    await expect.poll(() => panel.locator('[data-testid=turn]').count()).toBe(2);
    const answer = await finished(panel);
    // The companion did not know this conversation: the thumbnail went along, and the stand-in answered.
    expect(await answer.getAttribute('data-status')).toBe('done');
    const first = panel.locator('[data-testid=turn]').first();
    expect(await first.locator('[data-testid=answer]').getAttribute('class')).toContain('collapsed');
    expect(await first.locator('[data-testid=toggle-collapse]').textContent()).toBe('Show all (40 lines)');
    await shot(panel, 'u08-continued-collapsed');
    await first.locator('[data-testid=toggle-collapse]').click();
    expect(await first.locator('[data-testid=answer]').getAttribute('class')).not.toContain('collapsed');
  });

  it('reconnects within 2 s of the companion coming back, counting down meanwhile; hints render as code', async () => {
    const port = daemon.port;
    await daemon.stop();
    await expect.poll(connState, { timeout: 60_000 }).toBe('offline');
    const conn = panel.locator('[data-testid=conn]');
    expect(await conn.locator('code').first().textContent()).toBe('loupe start');
    expect(await conn.textContent()).not.toContain('`');
    expect(await panel.locator('[data-testid=conn-retry]').textContent()).toMatch(/next full retry in \d+ s/);
    await shot(panel, 'u09-offline-countdown');
    // Let the back-off grow past what a second-long reconnect could come from.
    await new Promise((r) => setTimeout(r, 8_000));

    // `--port P` without `--model`: the model comes back from config.json, where start kept it.
    daemon = await world.restartDaemon(['--port', String(port)]);
    const back = Date.now();
    await expect.poll(connState, { timeout: 10_000, interval: 50 }).toBe('connected');
    const ms = Date.now() - back;
    writeFileSync(join(ARTIFACTS, 'reconnect-ms.txt'), `${ms}\n`);
    expect(ms).toBeLessThan(2_000);
    expect(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8'))).toMatchObject({ port, model: model.dir });
    await expect.poll(() => panel.locator('[data-testid=vlm-state]').count(), { timeout: 30_000 }).toBe(1);
    await shot(panel, 'u10-reconnected');
  });

  it('finds a companion that moved to the default port, without pairing', async () => {
    const port = daemon.port;
    expect(port).not.toBe(DEFAULT_PORT);
    await expect.poll(() => portIsFree(DEFAULT_PORT), { timeout: 30_000, message: `port ${DEFAULT_PORT} must be free for this test` }).toBe(true);
    // No pairing host any more: only the extension's own search can find it.
    rmSync(join(paired.profile, 'NativeMessagingHosts'), { recursive: true, force: true });
    await daemon.stop();
    await expect.poll(connState, { timeout: 60_000 }).toBe('offline');
    expect(await panel.locator('[data-testid=conn-searched]').textContent()).toContain(String(DEFAULT_PORT));
    daemon = await world.restartDaemon(['--port', String(DEFAULT_PORT)]);
    await expect.poll(connState, { timeout: 10_000 }).toBe('connected');
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    expect(await options.locator('[data-testid=opt-port]').inputValue()).toBe(String(DEFAULT_PORT));
    // Paired (the token is stored): Options shows no pairing hints.
    expect(await options.locator('[data-testid=opt-pair-hint]').count()).toBe(0);
    await options.close();
    await shot(panel, 'u11-found-on-default-port');
  });
});
