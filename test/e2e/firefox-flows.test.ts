import { expect, it } from 'vitest';
import { readAllowedOrigins } from '@loupe/companion/security/allowed-origins';
import { FIREFOX_UNDER_TEST } from './support/browser-adapter';
import { describeLoupeFlows } from './flows/loupe-flows';

/**
 * The same user flows in Debian's Firefox ESR (devicePixelRatio 2), driven over WebDriver BiDi,
 * against the real companion, paired through the native-messaging host in Firefox's own folder.
 * The panel is the sidebar's page opened in its own window: automation cannot open the sidebar.
 */
describeLoupeFlows(FIREFOX_UNDER_TEST, {
  extra: (h) => {
    it('Firefox: the panel is registered as the sidebar, host permissions are granted, and pairing recorded this install\'s moz-extension origin', async () => {
      // Not automatable: opening the sidebar itself. What Firefox made of the manifest's sidebar_action is checkable.
      type FirefoxApi = { sidebarAction: { getPanel(o: object): Promise<string> }; permissions: { contains(p: object): Promise<boolean> } };
      const sidebar = await h.b.background(() => (globalThis as unknown as { browser: FirefoxApi }).browser.sidebarAction.getPanel({}));
      expect(sidebar).toBe(`${h.b.origin}/sidepanel.html`);
      // Firefox ≥ 127 grants MV3 host_permissions at install (capture, content script, companion): check they hold.
      const granted = await h.b.background(() => (globalThis as unknown as { browser: FirefoxApi }).browser.permissions.contains({ origins: ['<all_urls>', 'http://127.0.0.1/*'] }));
      expect(granted).toBe(true);
      expect(readAllowedOrigins(h.home)).toEqual([h.b.origin]);
    });

    it('Firefox: history survives quitting and restarting the browser, and the panel reconnects by itself', async () => {
      await h.panel.locator('[data-testid=tab-current]').click(); // the history flow left the panel on its history tab
      const { page, tabId } = await h.openSite('/canvas.html');
      const turn = await h.rightClickFlow(page, tabId, '#cv', 'ocr');
      expect(await turn.getAttribute('data-status')).toBe('done');
      await h.b.restart();
      await h.b.background((l) => void (l.session.maxTokens = 40));
      const { panel } = h;
      await expect.poll(() => panel.locator('[data-testid=conn]').getAttribute('data-state'), { timeout: 60_000 }).toBe('connected');
      await panel.locator('[data-testid=tab-history]').click();
      const entries = panel.locator('[data-testid=history-entry]');
      await expect.poll(() => entries.count()).toBe(1);
      await panel.locator('[data-testid=history-search]').fill('canvas chart');
      await expect.poll(() => entries.count()).toBe(1);
      await h.shot(panel, '09b-panel-history-after-restart');
      await panel.locator('[data-testid=history-search]').fill('');
      await panel.locator('[data-testid=tab-current]').click();
    });
  },
});
