import { expect, it } from 'vitest';
import { FIREFOX_UNDER_TEST } from './support/browser-adapter';
import { describeLoupeFlows } from './flows/loupe-flows';

type FirefoxApi = { permissions: { remove(p: object): Promise<boolean> }; tabs: { query(q: object): Promise<Array<{ id: number }>> } };

/**
 * Region select → OCR in Firefox at devicePixelRatio 1 (the main Firefox run is at 2), OCR engine
 * only; then what a user sees after withdrawing Loupe's site access (last: it is not given back).
 */
describeLoupeFlows(FIREFOX_UNDER_TEST, {
  dpr: 1,
  vlm: false,
  only: ['region-ocr'],
  extra: (h) => {
    it('Firefox: with site access withdrawn (about:addons), a capture and a region selection say where to give it back', async () => {
      const { page, tabId } = await h.openSite('/mockup.html');
      // Every site toggle off, the test site's 127.0.0.1 included (so no content script can run on a new page).
      const origins = ['<all_urls>', 'http://127.0.0.1/*', 'ws://127.0.0.1/*', 'http://localhost/*', 'ws://localhost/*'];
      const removed = await h.b.background((_, o) => (globalThis as unknown as { browser: FirefoxApi }).browser.permissions.remove({ origins: o }), origins);
      expect(removed).toBe(true);
      await h.startsConversation(() => h.b.background((l, id) => l.tabFlow('ocr', id), tabId));
      const turn = await h.lastTurn();
      expect(await turn.getAttribute('data-status')).toBe('error');
      expect(await turn.locator('[data-testid=error]').textContent()).toContain('about:addons');
      await h.shot(h.panel, '20-panel-site-access-withdrawn');

      // A page opened now gets no content script, so the selection cannot start: the same hint, not "a browser page".
      // (Without site access Firefox hides tab URLs, so the new tab is the one id that was not there before.)
      const tabIds = () => h.b.background(() => (globalThis as unknown as { browser: FirefoxApi }).browser.tabs.query({}).then((tabs) => tabs.map((t) => t.id)));
      const before = await tabIds();
      const fresh = await h.b.openPage(`${h.site.url}/article.html?after-withdrawal`);
      const freshId = (await tabIds()).find((id) => !before.includes(id))!;
      await h.startsConversation(() => h.startSelection(freshId, 'ocr'));
      const refused = await h.lastTurn();
      expect(await refused.getAttribute('data-status')).toBe('error');
      expect(await refused.locator('[data-testid=error]').textContent()).toContain('about:addons');
      await fresh.close();
      await page.close();
    });
  },
});
