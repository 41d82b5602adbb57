import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { installNativeHost } from '@loupe/companion/pairing/install-native-host';
import { probeCuda } from '@loupe/companion/engine/device/cuda';
import { probeWebGpu } from '@loupe/companion/engine/device/webgpu-probe';
import { startDaemon, type RunningDaemon } from '../helpers/daemon';
import { grayPng } from '../helpers/images';
import { standInModel } from '../helpers/standin';
import { ARTIFACTS, launchWithExtension, type ExtensionBrowser } from './support/extension-browser';
import { addPages, CANVAS_TEXT, FRAMED_TEXT, IMAGE_TEXT, REGION_TEXT, startTestSite, VIDEO_TEXT, type TestSite } from './support/test-site';

/**
 * The extension in real Chromium (devicePixelRatio 2) against the real companion: paired
 * through the native-messaging host with no configuration, OCR by the real OCR engine,
 * Explain / To code by the stand-in VLM (its answers are noise, and labelled so).
 */
type Loupe = {
  imageFlow(task: string, tabId: number, frameId?: number, srcUrl?: string): Promise<void>;
  tabFlow(task: string, tabId: number): Promise<void>;
  startSelection(tabId: number, action?: string): Promise<void>;
};

let daemon: RunningDaemon;
let model: { dir: string; cleanup(): void };
let site: TestSite;
let browser: ExtensionBrowser;
let panel: Page;
let profile: string;
/** The companion's LOUPE_HOME, ours (not the helper's temp dir), so a restarted companion keeps its token. */
let home: string;
const DPR = 2;

const shot = (p: Page, name: string) => p.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
const normalize = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

const conversationId = (p: Page) => p.locator('[data-testid=conversation]').getAttribute('data-id', { timeout: 1_000 }).catch(() => '');

/** Runs a flow and waits until the panel shows the new conversation it started. */
async function startsConversation(run: () => Promise<unknown>): Promise<void> {
  const before = await conversationId(panel);
  await run();
  await expect.poll(() => conversationId(panel), { timeout: 30_000 }).not.toBe(before);
}

async function lastTurn(p: Page) {
  const turn = p.locator('[data-testid=turn]').last();
  await expect.poll(() => turn.getAttribute('data-status'), { timeout: 120_000 }).toMatch(/done|error|cancelled/);
  return turn;
}

/**
 * Right-clicks `selector` on the page, then runs what the context menu item for `task` runs (native
 * menus cannot be clicked by automation), and returns the finished turn in the panel.
 */
async function rightClickFlow(page: Page, tabId: number, selector: string, task: string, srcUrl?: string) {
  await page.locator(selector).click({ button: 'right' });
  await startsConversation(() =>
    browser.sw((a: { tabId: number; task: string; srcUrl?: string }) => (globalThis as unknown as { __loupe: Loupe }).__loupe.imageFlow(a.task, a.tabId, 0, a.srcUrl), { tabId, task, ...(srcUrl ? { srcUrl } : {}) }),
  );
  return lastTurn(panel);
}

/** The panel's caption says the image's own bytes were sent, at this size. */
async function expectOwnBytes(size: string) {
  const caption = (await panel.locator('[data-testid=image-size]').textContent()) ?? '';
  expect(caption).toContain(`${size} px`);
  expect(caption).toContain("the image's own bytes");
}

let visits = 0;
async function openSite(path: string): Promise<{ page: Page; tabId: number }> {
  // A unique URL per visit, so the tab is found by URL without ambiguity.
  const url = `${site.url}${path}?visit=${++visits}`;
  const page = await browser.context.newPage();
  await page.goto(url);
  await page.bringToFront();
  return { page, tabId: await browser.tabId(url) };
}

beforeAll(async () => {
  // eosAfter counts prompt + image tokens: large enough that the stand-in writes a few hundred noise tokens.
  model = await standInModel({ eosAfter: 3000 });
  home = mkdtempSync(join(tmpdir(), 'loupe-e2e-home-'));
  daemon = await startDaemon({ home, args: ['--model', model.dir], token: null, timeoutMs: 240_000 });
  site = await startTestSite();
  addPages(site);
  site.files.set('/photo.png', { type: 'image/png', body: grayPng(320, 200, { value: 90 }) });
  profile = mkdtempSync(join(tmpdir(), 'loupe-chromium-'));
  // Zero-configuration pairing: the host manifest in <user-data-dir>/NativeMessagingHosts.
  installNativeHost({ home: daemon.home, manifestDirs: [join(profile, 'NativeMessagingHosts')], defaults: false, port: daemon.port });
  browser = await launchWithExtension(profile, { dpr: DPR });
  // The companion runs on an ephemeral port: the extension learns it from pairing.
  // Render the <img>'s picture with Chromium itself (real text, real antialiasing).
  const src = await browser.context.newPage();
  await src.goto(`${site.url}/text-source.html`);
  site.files.set('/text.png', { type: 'image/png', body: await src.locator('#card').screenshot() });
  await src.close();
  // The stand-in decodes a few tokens per second on a shared CPU: keep its answers short.
  await browser.sw(() => {
    (globalThis as unknown as { __loupe: { session: { maxTokens?: number } } }).__loupe.session.maxTokens = 40;
  });
  panel = await browser.openPanel();
}, 300_000);

afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await site?.close();
  await daemon?.stop();
  model?.cleanup();
  if (profile) rmSync(profile, { recursive: true, force: true });
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('Loupe extension in Chromium', () => {
  it('pairs with the companion without configuration and shows the connection', async () => {
    const conn = panel.locator('[data-testid=conn]');
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    // The stand-in VLM loads after the daemon listens; the panel follows the companion's status.
    await expect.poll(() => panel.locator('[data-testid=vlm-state]').getAttribute('data-state'), { timeout: 180_000 }).toBe('ready');
    expect(await conn.textContent()).toContain('test stand-in');
    // device auto on a machine with neither GPU path: the panel says why, step by step
    const [cuda, webgpu] = await Promise.all([probeCuda(), probeWebGpu()]);
    if (!cuda.usable && !webgpu.usable) expect(await panel.locator('[data-testid=vlm-fallback]').textContent()).toMatch(/Running on cpu\. Why not on a GPU: CUDA: .*; WebGPU: /);
    await shot(panel, '01-panel-connected');
  });

  it('right-click an <img> → Extract text: the image own bytes, read by the real OCR engine', async () => {
    const { page, tabId } = await openSite('/image.html');
    const turn = await rightClickFlow(page, tabId, '#img', 'ocr', `${site.url}/text.png`);
    expect(await turn.getAttribute('data-status')).toBe('done');
    const text = normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '');
    // Every word read back (line order is the OCR engine's business, scored in its own eval).
    for (const word of normalize(IMAGE_TEXT.join(' ')).split(' ')) expect(text).toContain(word);
    const png = site.files.get('/text.png')!.body as Buffer;
    await expectOwnBytes(`${png.readUInt32BE(16)} × ${png.readUInt32BE(20)}`);
    expect(await turn.locator('[data-testid=model]').textContent()).toMatch(/Answered by/);
    await shot(panel, '02-panel-img-ocr');
    await page.close();
  });

  it('right-click a CSS background → Explain: the background image bytes, answered by the stand-in and labelled', async () => {
    const { page, tabId } = await openSite('/background.html');
    // Right-click the caption text on top of the background: the browser menu has no srcUrl here.
    const turn = await rightClickFlow(page, tabId, '#hero span', 'describe');
    expect(await turn.getAttribute('data-status')).toBe('done');
    await expectOwnBytes('320 × 200');
    expect(((await turn.locator('[data-testid=answer]').textContent()) ?? '').length).toBeGreaterThan(0);
    expect(await turn.locator('[data-testid=standin]').textContent()).toContain('output is noise');

    // A follow-up question about the same image streams a second answer.
    await panel.locator('[data-testid=followup-input]').fill('What colour is it?');
    await panel.locator('[data-testid=followup-send]').click();
    await expect.poll(() => panel.locator('[data-testid=turn]').count()).toBe(2);
    const second = await lastTurn(panel);
    expect(await second.getAttribute('data-status')).toBe('done');
    expect(await second.locator('.prompt').textContent()).toContain('What colour is it?');
    await shot(panel, '03-panel-background-explain-followup');

    // Locate: a grounding turn on the same image. The stand-in's words are noise, so it names no boxes, and the panel says so.
    await panel.locator('[data-testid=followup-input]').fill('the caption');
    await panel.locator('[data-testid=followup-locate]').click();
    await expect.poll(() => panel.locator('[data-testid=turn]').count()).toBe(3);
    const third = await lastTurn(panel);
    expect(await third.getAttribute('data-status')).toBe('done');
    expect(await third.getAttribute('data-task')).toBe('ground');
    const ground = third.locator('[data-testid=ground-result]');
    expect(await ground.getAttribute('data-count')).toBe(String(await panel.locator('[data-testid=ground-box]').count()));
    await shot(panel, '03c-panel-locate');
    await page.close();
  });

  it('right-click a <canvas> → Extract text: its pixels are read from the page and OCR reads them', async () => {
    const { page, tabId } = await openSite('/canvas.html');
    const turn = await rightClickFlow(page, tabId, '#cv', 'ocr');
    expect(await turn.getAttribute('data-status')).toBe('done');
    const text = normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '');
    for (const word of normalize(CANVAS_TEXT).split(' ')) expect(text).toContain(word);
    // The canvas's own pixels (its 520 × 140 backing store), not a screenshot at devicePixelRatio 2.
    await expectOwnBytes('520 × 140');
    await page.close();
  });

  it('right-click a <video> → Extract text: the current frame, at the video resolution, read by OCR', async () => {
    const { page, tabId } = await openSite('/video.html');
    await expect.poll(() => page.evaluate<number>("document.getElementById('vid').videoWidth"), { timeout: 10_000 }).toBe(560);
    const turn = await rightClickFlow(page, tabId, '#vid', 'ocr');
    expect(await turn.getAttribute('data-status')).toBe('done');
    const text = normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '');
    for (const word of normalize(VIDEO_TEXT).split(' ')) expect(text).toContain(word);
    await expectOwnBytes('560 × 140');
    await shot(panel, '03b-panel-video-frame-ocr');
    await page.close();
  });

  it('select a region on a scrolled page at devicePixelRatio 2 → OCR: text read, copied, overlaid on the page', async () => {
    const { page, tabId } = await openSite('/article.html');
    await page.locator('#region').scrollIntoViewIfNeeded();
    expect(await page.evaluate<number>('scrollY')).toBeGreaterThan(500);
    expect(await page.evaluate<number>('devicePixelRatio')).toBe(DPR);
    await browser.sw((id: number) => (globalThis as unknown as { __loupe: Loupe }).__loupe.startSelection(id, 'choose'), tabId);
    await page.locator('loupe-ui .layer').waitFor();
    const box = (await page.locator('#region').boundingBox())!;
    await page.mouse.move(box.x - 4, box.y - 4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    expect(await page.locator('loupe-ui .size').textContent()).toMatch(/\d+ × \d+/);
    await page.mouse.move(box.x + box.width + 4, box.y + box.height + 4, { steps: 4 });
    await page.mouse.up();
    await page.screenshot({ path: join(ARTIFACTS, '04-page-region-toolbar.png') });
    await startsConversation(() => page.locator('loupe-ui button[data-action=ocr]').click());

    const turn = await lastTurn(panel);
    expect(await turn.getAttribute('data-status')).toBe('done');
    const text = normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '');
    for (const line of REGION_TEXT) expect(text).toContain(normalize(line));
    // Cropped at device pixels: the sent image is the selection times the devicePixelRatio.
    const caption = (await panel.locator('[data-testid=image-size]').textContent()) ?? '';
    const [, w, h] = /(\d+) × (\d+) px/.exec(caption)!;
    expect(Math.abs(Number(w) - (box.width + 8) * DPR)).toBeLessThanOrEqual(2);
    expect(Math.abs(Number(h) - (box.height + 8) * DPR)).toBeLessThanOrEqual(2);
    expect(caption).toContain('cropped from a screenshot');
    await shot(panel, '05-panel-region-ocr');

    // The lines lie over the page as selectable text, where they were read.
    const lines = page.locator('loupe-ui[data-loupe-ocr] .line');
    await expect.poll(() => lines.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const overlay = normalize((await lines.allTextContents()).join(' '));
    expect(overlay).toContain(normalize(REGION_TEXT[0]!));
    const first = (await lines.first().boundingBox())!;
    expect(first.y).toBeGreaterThanOrEqual(box.y - 8);
    expect(first.y).toBeLessThan(box.y + box.height);
    await expect.poll(() => page.locator('loupe-ui .t').textContent().catch(() => ''), { timeout: 5_000 }).toContain('copied');
    await page.screenshot({ path: join(ARTIFACTS, '06-page-ocr-overlay.png') });
    await page.close();
  });

  it('select a region over an iframe on its parent page → OCR reads the framed text', async () => {
    const { page, tabId } = await openSite('/framed.html');
    await page.frameLocator('#fr').locator('p').waitFor();
    // Focus inside the frame, as after a click there: the selection still opens on the top page.
    await page.frameLocator('#fr').locator('p').click();
    await browser.sw((id: number) => (globalThis as unknown as { __loupe: Loupe }).__loupe.startSelection(id, 'ocr'), tabId);
    await page.locator('loupe-ui .layer').waitFor();
    const box = (await page.locator('#fr').boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2, { steps: 4 });
    await startsConversation(() => page.mouse.up());
    const turn = await lastTurn(panel);
    await shot(panel, '05b-panel-region-over-iframe');
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '')).toContain(normalize(FRAMED_TEXT));
    await page.close();
  });

  it('select a region → Ask: the question goes with the crop to the VLM', async () => {
    const { page, tabId } = await openSite('/article.html');
    await browser.sw((id: number) => (globalThis as unknown as { __loupe: Loupe }).__loupe.startSelection(id, 'choose'), tabId);
    await page.locator('loupe-ui .layer').waitFor();
    await page.mouse.move(30, 60);
    await page.mouse.down();
    await page.mouse.move(330, 260, { steps: 3 });
    await page.mouse.up();
    await page.locator('loupe-ui input[data-action=ask-input]').fill('Summarise this');
    await startsConversation(() => page.locator('loupe-ui button[data-action=ask]').click());
    const turn = await lastTurn(panel);
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(await turn.getAttribute('data-task')).toBe('ask');
    expect(await turn.locator('.prompt').textContent()).toContain('Summarise this');
    await page.close();
  });

  it('Esc cancels a selection and leaves nothing on the page', async () => {
    const { page, tabId } = await openSite('/article.html');
    await browser.sw((id: number) => (globalThis as unknown as { __loupe: Loupe }).__loupe.startSelection(id, 'choose'), tabId);
    await page.locator('loupe-ui .layer').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('loupe-ui').count()).toBe(0);
    await page.close();
  });

  it('capture a mockup → HTML: streamed code, then a live preview in the sandboxed frame, and a refine follow-up', async () => {
    const { page, tabId } = await openSite('/mockup.html');
    await startsConversation(() => browser.sw((id: number) => (globalThis as unknown as { __loupe: Loupe }).__loupe.tabFlow('code', id), tabId));
    const turn = await lastTurn(panel);
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(await turn.getAttribute('data-task')).toBe('code');
    const answer = ((await turn.locator('[data-testid=answer]').textContent()) ?? '').trim();
    expect(answer.length).toBeGreaterThan(0);
    expect(await panel.locator('[data-testid=image-size]').textContent()).toContain('screenshot of the visible tab');

    // The preview renders the generated document inside the sandboxed page (the stand-in's
    // noise has no markup, so the whole answer is the document, and the panel says so).
    const raw = await browser.sw(() => (globalThis as unknown as { __loupe: { session: { conversation: { turns: Array<{ text: string }> } } } }).__loupe.session.conversation.turns.at(-1)!.text);
    type Parsed = { body: { querySelectorAll(q: string): { forEach(f: (n: { remove(): void }) => void): void }; textContent: string | null } };
    const expected = await panel.evaluate((text: string) => {
      const Parser = (globalThis as unknown as { DOMParser: new () => { parseFromString(s: string, type: string): Parsed } }).DOMParser;
      const body = new Parser().parseFromString(text, 'text/html').body;
      body.querySelectorAll('script').forEach((n) => n.remove());
      return (body.textContent ?? '').replace(/\s+/g, ' ').trim();
    }, raw);
    expect(expected.length).toBeGreaterThan(20);
    const frame = panel.frameLocator('[data-testid=preview-frame]');
    await expect.poll(() => frame.locator('body').evaluate((b) => (b.textContent ?? '').replace(/\s+/g, ' ').trim()), { timeout: 10_000 }).toBe(expected);
    await expect.poll(() => panel.locator('[data-testid=preview-nohtml]').count()).toBe(1);
    await shot(panel, '07-panel-mockup-code-preview');

    // Refine: a follow-up on the same capture with the code task.
    await panel.locator('[data-testid=followup-input]').fill('make the header sticky');
    await panel.locator('[data-testid=followup-send]').click();
    await expect.poll(() => panel.locator('[data-testid=turn]').count()).toBe(2);
    const refined = await lastTurn(panel);
    expect(await refined.getAttribute('data-task')).toBe('code');
    expect(await refined.getAttribute('data-status')).toBe('done');
    await page.close();
  });

  it('the preview frame compiles Tailwind offline and has no extension access and no network', async () => {
    const frameEl = panel.locator('[data-testid=preview-frame]');
    const html =
      '<!doctype html><html><body><header id="h" class="sticky top-0 bg-blue-800 p-4 text-white rounded-lg">Acme</header><div class="grid grid-cols-3 gap-4 mt-6" id="g"><section class="border p-4">A</section><section class="border p-4">B</section><section class="border p-4">C</section></div><script>document.title="ran"</script></body></html>';
    await panel.evaluate(`document.querySelector('[data-testid=preview-frame]').contentWindow.postMessage({ type: 'loupe-preview-render', html: ${JSON.stringify(html)} }, '*')`);
    const frame = (await frameEl.elementHandle())!;
    const content = (await frame.contentFrame())!;
    await expect.poll(() => content.evaluate<string>(`getComputedStyle(document.getElementById('h')).paddingTop`), { timeout: 10_000 }).toBe('16px');
    expect(await content.evaluate<string>(`getComputedStyle(document.getElementById('g')).display`)).toBe('grid');
    expect(await content.evaluate<string>(`getComputedStyle(document.getElementById('h')).position`)).toBe('sticky');
    // Generated scripts stay inert; the page has no extension API and cannot reach the companion.
    expect(await content.evaluate<string>('document.title')).not.toBe('ran');
    expect(await content.evaluate(() => typeof (globalThis as { chrome?: { runtime?: { id?: string } } }).chrome?.runtime?.id)).toBe('undefined');
    expect(await content.evaluate<string>('origin')).toBe('null');
    const reached = await content.evaluate((u) => fetch(`${u}/health`).then(() => true, () => false), daemon.url);
    expect(reached).toBe(false);
    await shot(panel, '08-panel-preview-tailwind');
  });

  it('history survives a reload of the panel, is searchable, and clears in one click', async () => {
    await panel.reload();
    await panel.locator('[data-testid=tab-history]').click();
    const entries = panel.locator('[data-testid=history-entry]');
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(4);
    await panel.locator('[data-testid=history-search]').fill('Invoice');
    await expect.poll(() => entries.count()).toBe(1);
    await entries.first().locator('button').first().click();
    await shot(panel, '09-panel-history');
    await panel.locator('[data-testid=history-search]').fill('');
    await panel.locator('[data-testid=history-clear]').click();
    await expect.poll(() => entries.count()).toBe(0);
  });

  it('options: settings export to a file (without the token) and import back; a bad file is refused with the fix', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    const [download] = await Promise.all([options.waitForEvent('download'), options.locator('[data-testid=opt-export]').click()]);
    expect(download.suggestedFilename()).toBe('loupe-settings.json');
    const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
    expect(exported).toMatchObject({ format: 'loupe-settings', version: 1, settings: { port: daemon.port, autoCopy: true } });
    expect(exported.settings).not.toHaveProperty('manualToken');

    const file = (name: string, text: string) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });
    const result = options.locator('[data-testid=import-result]');
    await options.locator('[data-testid=opt-import]').setInputFiles(file('bad.json', JSON.stringify({ ...exported, settings: { ...exported.settings, port: 99999 } })));
    await expect.poll(() => result.textContent()).toMatch(/settings\.port .*fix or remove it/);
    await options.locator('[data-testid=opt-import]').setInputFiles(file('history.json', '{"format":"loupe-history","version":1,"entries":[]}'));
    await expect.poll(() => result.textContent()).toContain('not a Loupe settings file');
    expect(await options.locator('[data-testid=opt-autocopy]').isChecked()).toBe(true);

    await options.locator('[data-testid=opt-import]').setInputFiles(file('mine.json', JSON.stringify({ ...exported, settings: { ...exported.settings, autoCopy: false } })));
    await expect.poll(() => result.textContent()).toBe('Settings imported');
    expect(await options.locator('[data-testid=opt-autocopy]').isChecked()).toBe(false);
    await options.screenshot({ path: join(ARTIFACTS, '10b-options-settings-imported.png'), fullPage: true });
    // Stored, not only shown: a fresh options page reads it back. Then restore auto-copy for the tests after.
    await options.reload();
    expect(await options.locator('[data-testid=opt-autocopy]').isChecked()).toBe(false);
    await options.locator('[data-testid=opt-import]').setInputFiles(file('mine.json', JSON.stringify(exported)));
    await expect.poll(() => result.textContent()).toBe('Settings imported');
    await options.close();
  });

  it('options: switching the language to 简体中文 relabels the panel (every string comes from _locales)', async () => {
    const options = await browser.context.newPage();
    await options.goto(`chrome-extension://${browser.extensionId}/options.html`);
    expect(await options.locator('[data-testid=opt-port]').inputValue()).toBe(String(daemon.port)); // learnt from pairing
    await options.screenshot({ path: join(ARTIFACTS, '10-options.png'), fullPage: true });
    await options.locator('[data-testid=opt-language]').selectOption('zh-CN');
    await options.locator('[data-testid=opt-save]').click();
    await expect.poll(() => panel.locator('[data-testid=tab-history]').textContent(), { timeout: 10_000 }).toBe('历史');
    expect(await panel.locator('[data-testid=conn]').textContent()).toContain('已连接');
    await shot(panel, '11-panel-zh-CN');
    await options.close();
  });

  it('says how to fix it when the companion stops (run `pnpm start`), and reconnects by itself when it is back', async () => {
    const port = daemon.port;
    await daemon.stop();
    const conn = panel.locator('[data-testid=conn]');
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 60_000 }).toBe('offline');
    expect(await conn.textContent()).toContain('pnpm start');
    await shot(panel, '12-panel-offline');

    // The same companion (same LOUPE_HOME, so the same token; same port), OCR only this time.
    daemon = await startDaemon({ home, token: null, args: ['--port', String(port)] });
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    const { page, tabId } = await openSite('/canvas.html');
    const turn = await rightClickFlow(page, tabId, '#cv', 'ocr');
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '')).toContain('canvas');
    await shot(panel, '13-panel-reconnected');
    await page.close();
  });
});
