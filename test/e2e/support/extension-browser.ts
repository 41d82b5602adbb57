import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { installNativeHost } from '@loupe/companion/pairing/install-native-host';
import { CHROME_EXTENSION_ID } from '@loupe/shared';
import { REPO_ROOT } from '../../helpers/daemon';

/** The few extension APIs the tests call inside the service worker. */
interface ChromeApi {
  windows: { create(o: { url: string; type: string; width: number; height: number; focused: boolean }): Promise<unknown> };
  tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> };
}
declare const chrome: ChromeApi;

/** What `npm run build` ships, and the same build with the test hooks (`npm run build:e2e`) that the e2e tests drive. */
export const SHIPPED_EXTENSION_DIR = join(REPO_ROOT, 'extension', '.output', 'chrome-mv3');
export const EXTENSION_DIR = join(REPO_ROOT, 'extension', '.output', 'chrome-mv3-e2e');
export const CHROMIUM = process.env.LOUPE_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e');

export interface ExtensionBrowser {
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** Opens the side panel page in its own window (so captures of the test tab are unaffected). */
  openPanel(): Promise<Page>;
  /** Runs `fn` in the service worker with the test entry points (`globalThis.__loupe`). */
  sw<T>(fn: (arg: never) => T | Promise<T>, arg?: unknown): Promise<T>;
  tabId(url: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Debian Chromium with the built extension loaded, headless (the new headless mode runs
 * extensions), a real devicePixelRatio of `dpr`, and the given profile directory — whose
 * NativeMessagingHosts/ folder is where this Chromium looks for the pairing host.
 */
export async function launchWithExtension(userDataDir: string, options: { dpr?: number } = {}): Promise<ExtensionBrowser> {
  if (!existsSync(join(EXTENSION_DIR, 'manifest.json'))) throw new Error(`the extension is not built (${EXTENSION_DIR}): run \`npm run build:e2e\` first`);
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: run \`node scripts/ensure-chromium.mjs\``);
  mkdirSync(ARTIFACTS, { recursive: true });
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: null,
    args: [
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      `--force-device-scale-factor=${options.dpr ?? 1}`,
      '--window-size=1280,900',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const worker = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ?? (await context.waitForEvent('serviceworker', { timeout: 30_000 }));
  const extensionId = new URL(worker.url()).host;
  if (extensionId !== CHROME_EXTENSION_ID) throw new Error(`extension id ${extensionId} is not the pinned ${CHROME_EXTENSION_ID} (manifest key missing?)`);
  await worker.evaluate(() => (globalThis as unknown as { __loupe: { ready: Promise<void> } }).__loupe.ready);

  const sw = <T>(fn: (arg: never) => T | Promise<T>, arg?: unknown) => worker.evaluate(fn as never, arg as never) as Promise<T>;
  return {
    context,
    worker,
    extensionId,
    sw,
    async openPanel() {
      const url = `chrome-extension://${extensionId}/sidepanel.html`;
      const opened = context.waitForEvent('page', { predicate: (p) => p.url() === url, timeout: 15_000 });
      await sw((u: string) => chrome.windows.create({ url: u, type: 'normal', width: 900, height: 1000, focused: false }).then(() => undefined), url);
      const page = await opened;
      await page.waitForLoadState('domcontentloaded');
      return page;
    },
    async tabId(url: string) {
      const id = await sw((u: string) => chrome.tabs.query({}).then((tabs) => tabs.find((t) => t.url === u)?.id ?? -1), url);
      if (id < 0) throw new Error(`no tab with ${url}`);
      return id;
    },
    close: () => context.close(),
  };
}

export interface PairedBrowser {
  browser: ExtensionBrowser;
  panel: Page;
  /** The fresh profile; its NativeMessagingHosts/ holds the pairing host. */
  profile: string;
  /** Closes the browser and removes the profile. */
  close(): Promise<void>;
}

/** The extension in a fresh Chromium profile whose pairing host points at the companion in `home` on `port`, with its panel open. */
export async function launchPaired(o: { home: string; port: number; dpr?: number }): Promise<PairedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'loupe-chromium-'));
  installNativeHost({ home: o.home, manifestDirs: [join(profile, 'NativeMessagingHosts')], defaults: false, port: o.port });
  const browser = await launchWithExtension(profile, o.dpr === undefined ? {} : { dpr: o.dpr });
  const panel = await browser.openPanel();
  return {
    browser,
    panel,
    profile,
    async close() {
      await browser.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
