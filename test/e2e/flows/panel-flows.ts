import { join } from 'node:path';
import { expect } from 'vitest';
import { normalize, type FlowIt, type Harness } from './harness';

/** Pairing and the panel's own flows: capture → HTML with its preview, history, language, reconnect. */
export function pairingFlow(h: Harness, flow: FlowIt): void {
  flow('pairing', 'pairs with the companion without configuration and shows the connection', async () => {
    const conn = h.panel.locator('[data-testid=conn]');
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    // The stand-in VLM loads after the daemon listens; the panel follows the companion's status.
    await expect.poll(() => h.panel.locator('[data-testid=vlm-state]').getAttribute('data-state'), { timeout: 180_000 }).toBe('ready');
    expect(await conn.textContent()).toContain('test stand-in');
    await h.shot(h.panel, '01-panel-connected');
  });
}

export function captureFlows(h: Harness, flow: FlowIt): void {
  flow('capture-html', 'capture a mockup → HTML: streamed code, then a live preview in the sandboxed frame, and a refine follow-up', async () => {
    const { panel } = h;
    const { page, tabId } = await h.openSite('/mockup.html');
    await h.startsConversation(() => h.b.background((l, id) => l.tabFlow('code', id), tabId));
    const turn = await h.lastTurn();
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(await turn.getAttribute('data-task')).toBe('code');
    const answer = ((await turn.locator('[data-testid=answer]').textContent()) ?? '').trim();
    expect(answer.length).toBeGreaterThan(0);
    expect(await panel.locator('[data-testid=image-size]').textContent()).toContain('screenshot of the visible tab');

    // The preview renders the generated document inside the sandboxed page (the stand-in's
    // noise has no markup, so the whole answer is the document, and the panel says so).
    const raw = await h.b.background((l) => l.session.conversation.turns.at(-1)!.text);
    const expected = await panel.evaluate<string>(
      `(() => { const body = new DOMParser().parseFromString(${JSON.stringify(raw)}, 'text/html').body; body.querySelectorAll('script').forEach((n) => n.remove()); return (body.textContent ?? '').replace(/\\s+/g, ' ').trim(); })()`,
    );
    expect(expected.length).toBeGreaterThan(20);
    await expect.poll(() => h.b.inPreview<string>(`(document.body.textContent ?? '').replace(/\\s+/g, ' ').trim()`).catch(() => ''), { timeout: 10_000 }).toBe(expected);
    await expect.poll(() => panel.locator('[data-testid=preview-nohtml]').count()).toBe(1);
    await h.shot(panel, '07-panel-mockup-code-preview');

    // Refine: a follow-up on the same capture with the code task.
    const refined = await h.followUp('make the header sticky');
    expect(await refined.getAttribute('data-task')).toBe('code');
    expect(await refined.getAttribute('data-status')).toBe('done');
    await page.close();
  });

  /** Replaces the last (code) turn's answer in the background, as if the model had written `text`. */
  const answerWith = (text: string) =>
    h.b.background((l, t) => {
      l.session.conversation.turns.at(-1)!.text = t;
      l.session.changed();
    }, text);

  flow('preview-sandbox', 'the preview frame compiles Tailwind offline, runs no generated script or handler, cannot navigate, and has no extension access and no network', async () => {
    const steal = `${h.site.url}/steal`;
    const html =
      `<!doctype html><html><head></head><body><meta http-equiv="refresh" content="1;url=${steal}?meta"><header id="h" class="sticky top-0 bg-blue-800 p-4 text-white rounded-lg">Acme</header><div class="grid grid-cols-3 gap-4 mt-6" id="g"><section class="border p-4">A</section><section class="border p-4">B</section><section class="border p-4">C</section></div>` +
      `<img id="bad" src="nope.png" onerror="document.title='handler ran'"><a id="away" href="${steal}?click">away</a><script>document.title="ran"</script></body></html>`;
    await answerWith('```html\n' + html + '\n```');
    const style = (id: string, prop: string) => h.b.inPreview<string>(`document.getElementById('${id}') ? getComputedStyle(document.getElementById('${id}')).${prop} : ''`);
    await expect.poll(() => style('h', 'paddingTop').catch(() => ''), { timeout: 10_000 }).toBe('16px');
    expect(await style('g', 'display')).toBe('grid');
    expect(await style('h', 'position')).toBe('sticky');
    // Generated scripts and handlers stay inert; the frame follows neither a meta refresh nor a link.
    expect(await h.b.inPreview<boolean>(`document.getElementById('bad').hasAttribute('onerror')`)).toBe(false);
    expect(await h.b.inPreview<number>(`document.querySelectorAll('meta[http-equiv=refresh i]').length`)).toBe(0);
    await h.b.inPreview<boolean>(`(document.getElementById('away').click(), true)`);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await h.b.inPreview<string>('location.pathname')).toMatch(/\/preview\.html$/);
    expect(await h.b.inPreview<string>('document.title')).not.toMatch(/ran/);
    expect(h.site.requests.filter((u) => u.startsWith('/steal'))).toEqual([]);
    // No extension API, no way to the companion.
    expect(await h.b.inPreview<string>('typeof globalThis.chrome?.runtime?.id')).toBe('undefined');
    expect(await h.b.inPreview<string>('typeof globalThis.browser?.runtime?.id')).toBe('undefined');
    expect(await h.b.inPreview<string>('origin')).toBe('null');
    const health = JSON.stringify(`${h.daemon.url}/health`);
    expect(await h.b.inPreview<boolean>(`fetch(${health}).then(() => true, () => false)`)).toBe(false);
    // Not even an opaque request (which CORS would let through): the frame's CSP forbids connecting.
    expect(await h.b.inPreview<boolean>(`fetch(${health}, { mode: 'no-cors' }).then(() => true, () => false)`)).toBe(false);
    expect(await h.panel.locator('[data-testid=preview-noscript]').textContent()).toContain('Scripts in generated code do not run');
    await h.shot(h.panel, '08-panel-preview-tailwind');
  });

  flow('preview-port', 'the preview listens only to its own port: a posted render is ignored, and each answer gets a fresh frame', async () => {
    const { panel } = h;
    await panel.evaluate(`document.querySelector('[data-testid=preview-frame]').dataset.e2eOld = '1'`);
    await panel.evaluate(`document.querySelector('[data-testid=preview-frame]').contentWindow.postMessage({ type: 'loupe-preview-render', html: '<p id="posted">x</p>' }, '*')`);
    await new Promise((r) => setTimeout(r, 500));
    expect(await h.b.inPreview<number>(`document.querySelectorAll('#posted').length`)).toBe(0);
    // Inside the frame, a page that offers its own port is not listened to: the panel took the first one.
    await h.b.inPreview<boolean>(`(() => { const c = new MessageChannel(); parent.postMessage({ type: 'loupe-preview-port' }, '*', [c.port2]); return true; })()`);
    await answerWith('```html\n<main id="second">second answer</main>\n```');
    await expect.poll(() => h.b.inPreview<number>(`document.querySelectorAll('#second').length`).catch(() => 0), { timeout: 10_000 }).toBe(1);
    expect(await panel.evaluate<number>(`document.querySelectorAll('[data-testid=preview-frame][data-e2e-old]').length`)).toBe(0);
    expect(await panel.locator('[data-testid=preview-popout]').count()).toBe(h.b.previewPopsOut ? 1 : 0);
  });

  flow('remote-images', 'a Markdown answer with remote images makes no request and shows them as links', async () => {
    const { panel, site } = h;
    const track = `${site.url}/track.png?q=secret-from-the-page`;
    await answerWith(`Here is the chart ![chart](${track}) and <img src="${site.url}/track2.png?q=raw-html"> <video poster="${site.url}/track3.png"></video>`);
    const answer = (await h.lastTurn()).locator('[data-testid=answer]');
    await expect.poll(() => answer.locator('a[data-remote-image]').count(), { timeout: 10_000 }).toBe(2);
    expect(await answer.locator('a[data-remote-image]').first().getAttribute('href')).toBe(track);
    expect(await answer.locator('img').count()).toBe(0);
    expect(await answer.locator('video').count()).toBe(0);
    // The pages' CSP refuses a remote image even if one got through.
    const loaded = await panel.evaluate<string>(`new Promise((r) => { const i = new Image(); i.onload = () => r('loaded'); i.onerror = () => r('blocked'); i.src = '${site.url}/photo.png?csp'; })`);
    expect(loaded).toBe('blocked');
    await new Promise((r) => setTimeout(r, 300));
    expect(site.requests.filter((u) => u.startsWith('/track') || u.includes('?csp'))).toEqual([]);
  });

  flow('history', 'history survives a reload of the panel, is searchable, and clears in one click', async () => {
    const { panel } = h;
    await h.b.reloadPanel();
    await panel.locator('[data-testid=tab-history]').click();
    const entries = panel.locator('[data-testid=history-entry]');
    await expect.poll(() => entries.count()).toBeGreaterThanOrEqual(4);
    await panel.locator('[data-testid=history-search]').fill('Invoice');
    await expect.poll(() => entries.count()).toBe(1);
    await entries.first().locator('button').first().click();
    await h.shot(panel, '09-panel-history');
    await panel.locator('[data-testid=history-search]').fill('');
    await panel.locator('[data-testid=history-clear]').click();
    await expect.poll(() => entries.count()).toBe(0);
  });
}

export function languageAndReconnectFlows(h: Harness, flow: FlowIt): void {
  flow('zh-CN', 'options: switching the language to 简体中文 relabels the panel (every string comes from _locales)', async () => {
    const options = await h.b.openExtensionPage('options.html');
    await expect.poll(() => options.locator('[data-testid=opt-port]').inputValue()).toBe(String(h.daemon.port)); // learnt from pairing
    await options.screenshot({ path: join(h.artifacts, '10-options.png'), fullPage: true });
    await options.locator('[data-testid=opt-language]').selectOption('zh-CN');
    await options.locator('[data-testid=opt-save]').click();
    await expect.poll(() => h.panel.locator('[data-testid=tab-history]').textContent(), { timeout: 10_000 }).toBe('历史');
    expect(await h.panel.locator('[data-testid=conn]').textContent()).toContain('已连接');
    await h.shot(h.panel, '11-panel-zh-CN');
    await options.close();
  });

  flow('reconnect', 'says how to fix it when the companion stops (run `loupe start`), and reconnects by itself when it is back', async () => {
    const port = h.daemon.port;
    await h.stopDaemon();
    const conn = h.panel.locator('[data-testid=conn]');
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 60_000 }).toBe('offline');
    expect(await conn.textContent()).toContain('loupe start');
    await h.shot(h.panel, '12-panel-offline');

    // The same companion (same LOUPE_HOME, so the same token; same port), OCR only this time.
    await h.restartDaemon(['--port', String(port)]);
    await expect.poll(() => conn.getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
    const { page, tabId } = await h.openSite('/canvas.html');
    const turn = await h.rightClickFlow(page, tabId, '#cv', 'ocr');
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '')).toContain('canvas');
    await h.shot(h.panel, '13-panel-reconnected');
    await page.close();
  });
}
