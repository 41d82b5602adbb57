import { expect } from 'vitest';
import { CLIP } from '../support/test-site';
import type { UiPage } from '../support/ui';
import type { FlowIt, Harness } from './harness';

/** What the page's <video id="clip"> is doing now. */
const clipState = (page: UiPage) =>
  page.evaluate<{ time: number; paused: boolean; ready: number; controls: boolean }>(
    `(() => { const v = document.getElementById('clip'); return { time: v.currentTime, paused: v.paused, ready: v.readyState, controls: v.controls }; })()`,
  );

/** Opens a clip page and waits until its video can show frames. */
async function openClip(h: Harness, path: string) {
  const opened = await h.openSite(path);
  await expect.poll(async () => (await clipState(opened.page)).ready, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
  return opened;
}

/** Right-click the video, then what "Loupe: Explain video" / "Ask about video" runs (native menus cannot be clicked by automation). */
async function rightClickVideo(h: Harness, page: UiPage, tabId: number, task: 'describe' | 'ask') {
  await page.locator('#clip').click({ button: 'right' });
  await h.startsConversation(() => h.b.background((l, a) => l.videoFlow(a.task, a.tabId), { tabId, task }));
  await expect.poll(() => h.panel.locator('[data-testid=filmstrip]').count(), { timeout: 60_000 }).toBe(1);
  return h.panel.locator('[data-testid=filmstrip]');
}

/** The times the filmstrip shows under its frames. */
const stripTimes = (h: Harness) => h.panel.locator('[data-testid=film-frame] .at').allTextContents();

/** Right-click a <video> → Explain / Ask: frames sampled from the clip, the filmstrip, the streamed answer, timestamps that seek. */
export function videoFlows(h: Harness, flow: FlowIt): void {
  const wholeClip = Array.from({ length: CLIP.seconds }, (_, s) => `0:${String(s).padStart(2, '0')}`);

  flow('video-explain', 'right-click a <video> → Explain video: one frame a second drawn from the element, the filmstrip, the answer streamed; the video plays on from where it was; a frame click seeks it', async () => {
    const { panel } = h;
    const { page, tabId } = await openClip(h, '/video-clip.html');
    // Playing (slowly, so "where it was" is still near 4 s when checked) from 4 s.
    await page.evaluate(`(() => { const v = document.getElementById('clip'); v.playbackRate = 0.25; v.currentTime = 4; return v.play().then(() => true); })()`);
    const strip = await rightClickVideo(h, page, tabId, 'describe');
    expect(await strip.getAttribute('data-source')).toBe('element');
    expect(await strip.getAttribute('data-frames')).toBe(String(CLIP.seconds));
    expect(await stripTimes(h)).toEqual(wholeClip);
    expect(await panel.locator('[data-testid=video-caption]').textContent()).toMatch(new RegExp(`^\\s*12 frames of 0:00–0:12 · ${CLIP.width} × ${CLIP.height} px each · \\d+ KB · drawn from the video`));
    // Sampling paused and seeked it; it is back where it was, playing.
    const after = await clipState(page);
    expect(after.paused).toBe(false);
    expect(after.time).toBeGreaterThanOrEqual(4);
    expect(after.time).toBeLessThan(7);

    const turn = await h.lastTurn();
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(await turn.getAttribute('data-task')).toBe('describe');
    expect(((await turn.locator('[data-testid=answer]').textContent()) ?? '').length).toBeGreaterThan(0);
    expect(await turn.locator('[data-testid=standin]').textContent()).toContain('output is noise');
    // The companion fed them as one video and says how many frames its budget let the model see.
    const seen = Number(/the model saw (\d+) frames/.exec((await turn.locator('[data-testid=model]').textContent()) ?? '')?.[1]);
    expect(seen).toBeGreaterThan(0);
    expect(seen).toBeLessThanOrEqual(CLIP.seconds);
    await h.shot(panel, '14-panel-video-explain');

    // A frame's time seeks the video in its tab.
    await page.evaluate(`(() => { document.getElementById('clip').pause(); return true; })()`);
    await panel.locator('[data-testid=film-frame][data-time="9.5"]').click();
    await expect.poll(async () => (await clipState(page)).time, { timeout: 10_000 }).toBeCloseTo(9.5, 1);

    // History keeps the filmstrip.
    await panel.locator('[data-testid=tab-history]').click();
    const entry = panel.locator('[data-testid=history-entry]').first();
    await entry.locator('button').first().click();
    await expect.poll(() => entry.locator('[data-testid=history-filmstrip] img').count()).toBe(CLIP.seconds);
    expect(await entry.locator('[data-testid=history-filmstrip] .at').allTextContents()).toEqual(wholeClip);
    await panel.locator('[data-testid=tab-current]').click();
    await page.close();
  });

  flow('video-ask', 'right-click a <video> → Ask about video: the filmstrip waits for the question; its timestamp is a link that seeks the video', async () => {
    const { panel } = h;
    const { page, tabId } = await openClip(h, '/video-clip.html');
    await rightClickVideo(h, page, tabId, 'ask');
    expect(await panel.locator('[data-testid=turn]').count()).toBe(0);
    await panel.locator('[data-testid=followup-input]').fill('What happens at 0:07?');
    await panel.locator('[data-testid=followup-send]').click();
    const turn = await h.lastTurn();
    expect(await turn.getAttribute('data-status')).toBe('done');
    expect(await turn.getAttribute('data-task')).toBe('ask');
    expect(((await turn.locator('[data-testid=answer]').textContent()) ?? '').length).toBeGreaterThan(0);
    // Still at the start (paused there, untouched by sampling) until the link is clicked.
    expect((await clipState(page)).time).toBe(0);
    await turn.locator('.prompt a[data-seek="7"]').click();
    await expect.poll(async () => (await clipState(page)).time, { timeout: 10_000 }).toBeCloseTo(7, 1);
    await h.shot(panel, '15-panel-video-ask');

    // The range picker: 0:04–0:08 sampled again (one frame a second), the same question asked of it.
    await panel.locator('[data-testid=video-from]').fill('0:04');
    await panel.locator('[data-testid=video-to]').fill('0:08');
    await h.startsConversation(() => panel.locator('[data-testid=video-resample]').click());
    await expect.poll(() => stripTimes(h), { timeout: 60_000 }).toEqual(['0:04', '0:05', '0:06', '0:07']);
    expect(await panel.locator('[data-testid=video-caption]').textContent()).toMatch(/^\s*4 frames of 0:04–0:08/);
    const again = await h.lastTurn();
    expect(await again.getAttribute('data-status')).toBe('done');
    expect(await again.locator('.prompt').textContent()).toContain('What happens at 0:07?');
    await page.close();
  });

  flow('video-cross-origin', "right-click another site's <video> whose pixels the page cannot read → Chromium: frames from tab captures, and the panel says so; Firefox: drawn from the element by the content script", async () => {
    const { panel } = h;
    const { page, tabId } = await openClip(h, '/video-cross.html');
    expect(await page.evaluate<string>(`(() => { const c = document.createElement('canvas'); const g = c.getContext('2d'); g.drawImage(document.getElementById('clip'), 0, 0); try { g.getImageData(0, 0, 1, 1); return 'readable'; } catch (e) { return e.name; } })()`)).toBe('SecurityError');
    await page.evaluate(`(() => { document.getElementById('clip').currentTime = 3; return true; })()`);
    const started = Date.now();
    const strip = await rightClickVideo(h, page, tabId, 'describe');
    const sampledMs = Date.now() - started;
    expect(await stripTimes(h)).toEqual(wholeClip);
    const caption = (await panel.locator('[data-testid=video-caption]').textContent()) ?? '';
    if (h.b.contentReadsCrossOriginVideo) {
      expect(await strip.getAttribute('data-source')).toBe('element');
      expect(caption).toContain(`${CLIP.width} × ${CLIP.height} px each`);
      expect(await panel.locator('[data-testid=video-tab-capture-note]').count()).toBe(0);
    } else {
      expect(await strip.getAttribute('data-source')).toBe('tab-capture');
      expect(await panel.locator('[data-testid=video-tab-capture-note]').textContent()).toContain('captured the screen instead');
      // Captured at the devicePixelRatio, then scaled to the per-frame cap (~360 × 420 px of area).
      const [, w, hh] = /(\d+) × (\d+) px each/.exec(caption)!;
      expect(Number(w) * Number(hh)).toBeLessThanOrEqual(360 * 420);
      expect(Number(w) * Number(hh)).toBeGreaterThan(CLIP.width * CLIP.height);
      expect(Number(w) / Number(hh)).toBeCloseTo(CLIP.width / CLIP.height, 1);
      // At most two captures a second (the browser's limit): twelve frames take over 5.5 s.
      expect(sampledMs).toBeGreaterThan(11 * 500);
    }
    expect(await clipState(page)).toMatchObject({ paused: true, controls: true, time: 3 });
    const turn = await h.lastTurn();
    expect(await turn.getAttribute('data-status')).toBe('done');
    await h.shot(panel, '16-panel-video-other-origin');
    await page.close();
  });
}
