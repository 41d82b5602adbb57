import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { DEFAULT_PORT } from '@loupe/shared';
import { loadSettings, saveSettings } from './settings';

beforeEach(() => fakeBrowser.reset());

describe('settings', () => {
  it('defaults: default port, browser language, choose after a region, auto-copy on', async () => {
    expect(await loadSettings()).toMatchObject({ port: DEFAULT_PORT, language: 'auto', regionAction: 'choose', autoCopy: true, imageAction: 'describe', captureAction: 'code' });
  });

  it('saves a patch and reads it back', async () => {
    await saveSettings({ port: 8123, language: 'zh-CN', autoCopy: false });
    expect(await loadSettings()).toMatchObject({ port: 8123, language: 'zh-CN', autoCopy: false, regionAction: 'choose' });
  });

  it('replaces corrupt stored values with defaults instead of failing', async () => {
    await fakeBrowser.storage.local.set({ settings: { port: 'eighty', language: 'klingon', maxImagePixels: 5, autoCopy: 'yes' } });
    expect(await loadSettings()).toMatchObject({ port: DEFAULT_PORT, language: 'auto', maxImagePixels: 4_000_000, autoCopy: true });
  });
});
