import { join } from 'node:path';
import { expect } from 'vitest';
import { CANVAS_TEXT, FRAMED_TEXT, IMAGE_TEXT, REGION_TEXT, VIDEO_TEXT } from '../support/test-site';
import { normalize, type FlowIt, type Harness } from './harness';
import type { UiPage } from '../support/ui';

/** A real (trusted) drag from (30, 60) to (330, 260) over the page: a 300 × 200 selection. */
async function drag(page: UiPage): Promise<void> {
  await page.mouse.move(30, 60);
  await page.mouse.down();
  await page.mouse.move(330, 260, { steps: 3 });
  await page.mouse.up();
}

/** Right-click an image (the handler the menu item calls) and region selection → OCR / Ask. */
export function imageFlows(h: Harness, flow: FlowIt): void {
  flow('img-ocr', 'right-click an <img> → Extract text: the image own bytes, read by the real OCR engine', async () => {
    const { page, tabId } = await h.openSite('/image.html');
    const turn = await h.rightClickFlow(page, tabId, '#img', 'ocr', `${h.site.url}/text.png`);
    expect(await turn.getAttribute('data-status')).toBe('done');
    const text = normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '');
    // Every word read back (line order is the OCR engine's business, scored in its own eval).
    for (const word of normalize(IMAGE_TEXT.join(' ')).split(' ')) expect(text).toContain(word);
    const png = h.site.files.get('/text.png')!.body as Buffer;
    await h.expectOwnBytes(`${png.readUInt32BE(16)} × ${png.readUInt32BE(20)}`);
    expect(await turn.locator('[data-testid=model]').textContent()).toMatch(/Answered by/);
    await h.shot(h.panel, '02-panel-img-ocr');
    await page.close();
  });

  flow('background-explain', 'right-click a CSS background → Explain: the background image bytes, answered by the stand-in and labelled', async () => {
    const { panel } = h;
    const { page, tabId } = await h.openSite('/background.html');
    // Right-click the caption text on top of the background: the browser menu has no srcUrl here.
    const turn = await h.rightClickFlow(page, tabId, '#hero span', 'describe');
    expect(await turn.getAttribute('data-status')).toBe('done');
    await h.expectOwnBytes('320 × 200');
    expect(((await turn.locator('[data-testid=answer]').textContent()) ?? '').length).toBeGreaterThan(0);
    expect(await turn.locator('[data-testid=standin]').textContent()).toContain('output is noise');

    // A follow-up question about the same image streams a second answer.
    const second = await h.followUp('What colour is it?');
    expect(await second.getAttribute('data-status')).toBe('done');
    expect(await second.locator('.prompt').textContent()).toContain('What colour is it?');
    await h.shot(panel, '03-panel-background-explain-followup');

    // Locate: a grounding turn on the same image. The stand-in's words are noise, so it names no boxes, and the panel says so.
    const third = await h.followUp('the caption', 'locate');
    expect(await third.getAttribute('data-status')).toBe('done');
    expect(await third.getAttribute('data-task')).toBe('ground');
    const ground = third.locator('[data-testid=ground-result]');
    expect(await ground.getAttribute('data-count')).toBe(String(await panel.locator('[data-testid=ground-box]').count()));
    await h.shot(panel, '03c-panel-locate');
    await page.close();
  });

  flow('canvas-ocr', 'right-click a <canvas> → Extract text: its pixels are read from the page and OCR reads them', async () => {
    const { page, tabId } = await h.openSite('/canvas.html');
    const turn = await h.rightClickFlow(page, tabId, '#cv', 'ocr');
    expect(await turn.getAttribute('data-status')).toBe('done');
    const text = normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '');
    for (const word of normalize(CANVAS_TEXT).split(' ')) expect(text).toContain(word);
    // The canvas's own pixels (its 520 × 140 backing store), not a screenshot at the devicePixelRatio.
    await h.expectOwnBytes('520 × 140');
    await page.close();
  });

  flow('video-ocr', 'right-click a <video> → Extract text: the current frame, at the video resolution, read by OCR', async () => {
    const { page, tabId } = await h.openSite('/video.html');
    await expect.poll(() => page.evaluate<number>("document.getElementById('vid').videoWidth"), { timeout: 10_000 }).toBe(560);
    const turn = await h.rightClickFlow(page, tabId, '#vid', 'ocr');
    expect(await turn.getAttribute('data-status')).toBe('done');
    const text = normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '');
    for (const word of normalize(VIDEO_TEXT).split(' ')) expect(text).toContain(word);
    await h.expectOwnBytes('560 × 140');
    await h.shot(h.panel, '03b-panel-video-frame-ocr');
    await page.close();
  });

  flow('region-ocr', `select a region on a scrolled page at devicePixelRatio ${h.dpr} → OCR: text read, copied, overlaid on the page`, async () => {
    const { panel } = h;
    const dpr = h.dpr;
    const { page, tabId } = await h.openSite('/article.html');
    await page.locator('#region').scrollIntoViewIfNeeded();
    expect(await page.evaluate<number>('scrollY')).toBeGreaterThan(500);
    expect(await page.evaluate<number>('devicePixelRatio')).toBe(dpr);
    const ui = await h.openOverlay(page, tabId, 'choose');
    const box = (await page.locator('#region').boundingBox())!;
    await page.mouse.move(box.x - 4, box.y - 4);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    expect(await ui.text('.size')).toMatch(/\d+ × \d+/);
    await page.mouse.move(box.x + box.width + 4, box.y + box.height + 4, { steps: 4 });
    await page.mouse.up();
    await page.screenshot({ path: join(h.artifacts, '04-page-region-toolbar.png') });
    await h.startsConversation(() => ui.click('button[data-action=ocr]'));

    const turn = await h.lastTurn();
    expect(await turn.getAttribute('data-status')).toBe('done');
    const text = normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '');
    for (const line of REGION_TEXT) expect(text).toContain(normalize(line));
    // Cropped at device pixels: the sent image is the selection times the devicePixelRatio.
    const caption = (await panel.locator('[data-testid=image-size]').textContent()) ?? '';
    const [, w, h2] = /(\d+) × (\d+) px/.exec(caption)!;
    expect(Math.abs(Number(w) - (box.width + 8) * dpr)).toBeLessThanOrEqual(2);
    expect(Math.abs(Number(h2) - (box.height + 8) * dpr)).toBeLessThanOrEqual(2);
    expect(caption).toContain('cropped from a screenshot');
    await h.shot(panel, '05-panel-region-ocr');

    // The lines lie over the page as selectable text, where they were read.
    const lines = page.locator('loupe-ui[data-loupe-ocr] .line');
    await expect.poll(() => lines.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const overlay = normalize((await lines.allTextContents()).join(' '));
    expect(overlay).toContain(normalize(REGION_TEXT[0]!));
    const first = (await lines.first().boundingBox())!;
    expect(first.y).toBeGreaterThanOrEqual(box.y - 8);
    expect(first.y).toBeLessThan(box.y + box.height);
    await expect.poll(() => page.locator('loupe-ui .t').textContent().catch(() => ''), { timeout: 5_000 }).toContain('copied');
    await page.screenshot({ path: join(h.artifacts, '06-page-ocr-overlay.png') });
    await page.close();
  });

  flow('region-iframe', 'select a region over an iframe on its parent page → OCR reads the framed text', async () => {
    const { page, tabId } = await h.openSite('/framed.html');
    // Focus inside the frame, as after a click there (the srcdoc frame is same-origin, so its text's box is known here).
    const inFrame = `(() => { const f = document.getElementById('fr'); const p = f.contentDocument && f.contentDocument.querySelector('p'); if (!p) return null; const a = f.getBoundingClientRect(), b = p.getBoundingClientRect(); return { x: a.x + f.clientLeft + b.x + b.width / 2, y: a.y + f.clientTop + b.y + b.height / 2 }; })()`;
    await expect.poll(() => page.evaluate<{ x: number; y: number } | null>(inFrame)).not.toBeNull();
    const p = (await page.evaluate<{ x: number; y: number }>(inFrame))!;
    await page.mouse.move(p.x, p.y);
    await page.mouse.down();
    await page.mouse.up();
    // The selection still opens on the top page.
    await h.openOverlay(page, tabId, 'ocr');
    const box = (await page.locator('#fr').boundingBox())!;
    await page.mouse.move(box.x + 2, box.y + 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width - 2, box.y + box.height - 2, { steps: 4 });
    await h.startsConversation(() => page.mouse.up());
    const turn = await h.lastTurn();
    await h.shot(h.panel, '05b-panel-region-over-iframe');
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(normalize((await turn.locator('[data-testid=answer]').textContent()) ?? '')).toContain(normalize(FRAMED_TEXT));
    await page.close();
  });

  flow('region-ask', 'select a region → Ask: the question goes with the crop to the VLM', async () => {
    const { page, tabId } = await h.openSite('/article.html');
    const overlay = await h.openOverlay(page, tabId, 'choose');
    await drag(page);
    await overlay.fill('input[data-action=ask-input]', 'Summarise this');
    await h.startsConversation(() => overlay.click('button[data-action=ask]'));
    const turn = await h.lastTurn();
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(await turn.getAttribute('data-task')).toBe('ask');
    expect(await turn.locator('.prompt').textContent()).toContain('Summarise this');
    await page.close();
  });

  flow('region-esc', 'Esc cancels a selection and leaves nothing on the page', async () => {
    const { page, tabId } = await h.openSite('/article.html');
    await h.openOverlay(page, tabId, 'choose');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('loupe-ui').count()).toBe(0);
    await page.close();
  });

  flow('region-closed', 'the region overlay is closed to the page: no handle on it, and synthetic events drive nothing', async () => {
    const { page, tabId } = await h.openSite('/article.html');
    const overlay = await h.openOverlay(page, tabId, 'choose');
    expect(await page.evaluate<boolean>(`document.querySelector('loupe-ui').shadowRoot === null`)).toBe(true);
    // A page script fakes a drag and an Escape: nothing is selected, nothing is cancelled.
    await page.evaluate(`(() => {
      const host = document.querySelector('loupe-ui');
      const at = (x, y) => ({ bubbles: true, composed: true, clientX: x, clientY: y, button: 0 });
      for (const [type, x, y] of [['mousedown', 20, 20], ['mousemove', 300, 200], ['mouseup', 300, 200]]) {
        host.dispatchEvent(new MouseEvent(type, at(x, y)));
        document.elementFromPoint(x, y)?.dispatchEvent(new MouseEvent(type, at(x, y)));
      }
      dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    })()`);
    await new Promise((r) => setTimeout(r, 300));
    expect(await page.locator('loupe-ui').count()).toBe(1);
    expect(await overlay.has('.sel')).toBe(false);
    // The user's real drag and Escape still work.
    await drag(page);
    await overlay.waitFor('input[data-action=ask-input]');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('loupe-ui').count()).toBe(0);
    await overlay.detach();
    await page.close();
  });
}
