import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { CHROMIUM_UNDER_TEST } from './support/browser-adapter';
import { describeLoupeFlows } from './flows/loupe-flows';

/**
 * The extension in real Chromium (devicePixelRatio 2) against the real companion: paired
 * through the native-messaging host with no configuration, OCR by the real OCR engine,
 * Explain / To code by the stand-in VLM (its answers are noise, and labelled so).
 * The flows are shared with Firefox (test/e2e/flows/); the settings file download is Chromium's here.
 */
describeLoupeFlows(CHROMIUM_UNDER_TEST, {
  extra: (h) => {
    it('options: settings export to a file (without the token) and import back; a bad file is refused with the fix', async () => {
      const options = (await h.b.openExtensionPage('options.html')) as Page;
      const [download] = await Promise.all([options.waitForEvent('download'), options.locator('[data-testid=opt-export]').click()]);
      expect(download.suggestedFilename()).toBe('loupe-settings.json');
      const exported = JSON.parse(readFileSync((await download.path())!, 'utf8'));
      expect(exported).toMatchObject({ format: 'loupe-settings', version: 1, settings: { port: h.daemon.port, autoCopy: true } });
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
      await options.screenshot({ path: join(h.artifacts, '10b-options-settings-imported.png'), fullPage: true });
      // Stored, not only shown: a fresh options page reads it back. Then restore auto-copy for the tests after.
      await options.reload();
      expect(await options.locator('[data-testid=opt-autocopy]').isChecked()).toBe(false);
      await options.locator('[data-testid=opt-import]').setInputFiles(file('mine.json', JSON.stringify(exported)));
      await expect.poll(() => result.textContent()).toBe('Settings imported');
      await options.close();
    });
  },
});
