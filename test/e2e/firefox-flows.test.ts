import { expect, it } from 'vitest';
import { readAllowedOrigins } from '@loupe/companion/security/allowed-origins';
import { launchFirefox } from './support/browser-adapter';
import { describeLoupeFlows } from './flows/loupe-flows';

/**
 * The same user flows in Debian's Firefox ESR (devicePixelRatio 2), driven over WebDriver BiDi,
 * against the real companion, paired through the native-messaging host in Firefox's own folder.
 * The panel is the sidebar's page opened in its own window: automation cannot open the sidebar.
 */
describeLoupeFlows('Loupe extension in Firefox', {
  launch: launchFirefox,
  dpr: 2,
  artifacts: 'e2e-firefox',
  extra: (h) => {
    it('Firefox: the panel is registered as the sidebar, host permissions are granted, and pairing recorded this install\'s moz-extension origin', async () => {
      // Not automatable: opening the sidebar itself. What Firefox made of the manifest's sidebar_action is checkable.
      type FirefoxApi = { sidebarAction: { getPanel(o: object): Promise<string> }; permissions: { contains(p: object): Promise<boolean> } };
      const panel = await h.b.background(() => (globalThis as unknown as { browser: FirefoxApi }).browser.sidebarAction.getPanel({}));
      expect(panel).toBe(`${h.b.origin}/sidepanel.html`);
      // Firefox ≥ 127 grants MV3 host_permissions at install (capture, content script, companion): check they hold.
      const granted = await h.b.background(() => (globalThis as unknown as { browser: FirefoxApi }).browser.permissions.contains({ origins: ['<all_urls>', 'http://127.0.0.1/*'] }));
      expect(granted).toBe(true);
      expect(readAllowedOrigins(h.home)).toEqual([h.b.origin]);
    });
  },
});
