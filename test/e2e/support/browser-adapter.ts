import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page as PlaywrightPage } from 'playwright-core';
import puppeteer, { type Browser as PuppeteerBrowser, type Page as PuppeteerPage } from 'puppeteer-core';
import { defaultManifestDirs, installNativeHost } from '@loupe/companion/pairing/install-native-host';
import { FIREFOX_EXTENSION_ID } from '@loupe/shared';
import { REPO_ROOT } from '../../helpers/daemon';
import { launchWithExtension, type ExtensionBrowser } from './extension-browser';
import { puppeteerUi } from './puppeteer-ui';
import type { UiPage } from './ui';

/**
 * Every per-browser difference of the shared user flows (test/e2e/flows/) lives here: where the
 * pairing host manifest goes, how the extension is loaded and its page URL known, how the panel
 * opens, how the background is reached, and how the sandboxed preview frame is read.
 */

/** What the background exposes to the tests as `globalThis.__loupe` (extension/lib/background/main.ts). */
export interface LoupeTestApi {
  ready: Promise<void>;
  session: { maxTokens?: number; conversation: { turns: Array<{ text: string }> } };
  imageFlow(task: string, tabId: number, frameId?: number, srcUrl?: string): Promise<void>;
  tabFlow(task: string, tabId: number): Promise<void>;
  startSelection(tabId: number, action?: string): Promise<void>;
}

export interface LoupeBrowser {
  name: 'Chromium' | 'Firefox';
  dpr: number;
  /** chrome-extension://<id> or moz-extension://<uuid>, no trailing slash. */
  origin: string;
  /** The panel page, open in its own window so captures of the test tab are unaffected. */
  panel: UiPage;
  reloadPanel(): Promise<void>;
  /** A new tab at `url`, in front. */
  openPage(url: string): Promise<UiPage>;
  /** An extension page (e.g. options.html) in a new tab. */
  openExtensionPage(path: string): Promise<UiPage>;
  tabId(url: string): Promise<number>;
  /** Runs `fn(__loupe, arg)` in the background; `fn` is sent as source, so it must be self-contained. */
  background<T, A = undefined>(fn: (loupe: LoupeTestApi, arg: A) => T | Promise<T>, arg?: A): Promise<T>;
  /** Evaluates a JS expression inside the panel's preview frame (its result must be a string, number or boolean). */
  inPreview<T extends string | number | boolean>(expression: string): Promise<T>;
  /** A PNG of the element `selector` on the page at `url`, rendered by this browser. */
  elementPng(url: string, selector: string): Promise<Buffer>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** The companion's LOUPE_HOME, where the pairing host reads the token. */
  home: string;
  port: number;
  dpr: number;
}

/** `fn` applied to the test API and `arg`, as an expression to evaluate where `loupe` names the test API. */
const callSource = (fn: (...a: never[]) => unknown, arg: unknown, loupe: string) => `(${fn.toString()})(${loupe}, ${JSON.stringify(arg ?? null)})`;

/** Debian Chromium via Playwright; the host manifest in <user-data-dir>/NativeMessagingHosts. */
export async function launchChromium(o: LaunchOptions): Promise<LoupeBrowser & { ext: ExtensionBrowser }> {
  const profile = mkdtempSync(join(tmpdir(), 'loupe-chromium-'));
  installNativeHost({ home: o.home, manifestDirs: [join(profile, 'NativeMessagingHosts')], defaults: false, port: o.port });
  const ext = await launchWithExtension(profile, { dpr: o.dpr });
  const panel: PlaywrightPage = await ext.openPanel();
  const openPage = async (url: string) => {
    const page = await ext.context.newPage();
    await page.goto(url);
    await page.bringToFront();
    return page;
  };
  return {
    name: 'Chromium',
    dpr: o.dpr,
    origin: `chrome-extension://${ext.extensionId}`,
    ext,
    panel,
    reloadPanel: async () => void (await panel.reload()),
    openPage,
    openExtensionPage: (path) => openPage(`chrome-extension://${ext.extensionId}/${path}`),
    tabId: (url) => ext.tabId(url),
    background: (fn, arg) => ext.worker.evaluate(callSource(fn as never, arg, 'globalThis.__loupe')),
    async inPreview(expression) {
      const frame = await (await panel.locator('[data-testid=preview-frame]').elementHandle())!.contentFrame();
      return frame!.evaluate(expression);
    },
    async elementPng(url, selector) {
      const page = await ext.context.newPage();
      await page.goto(url);
      const png = await page.locator(selector).screenshot();
      await page.close();
      return png;
    },
    async close() {
      await ext.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export const FIREFOX = process.env.LOUPE_FIREFOX ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXTENSION_DIR = join(REPO_ROOT, 'extension', '.output', 'firefox-mv3');
/** Pinned with extensions.webextensions.uuids, so the extension's page URLs (and paired origin) are known. */
export const FIREFOX_EXTENSION_UUID = '7d4e0c39-3b51-4f0e-9a56-1c2b3d4e5f60';

/**
 * Debian firefox-esr via Puppeteer over WebDriver BiDi, the built extension installed as an add-on.
 * Firefox finds the pairing host manifest in $HOME/.mozilla/native-messaging-hosts, so the browser
 * gets a temp HOME. `-remote-allow-system-access` lets the driver navigate to moz-extension:// pages.
 */
export async function launchFirefox(o: LaunchOptions): Promise<LoupeBrowser & { driver: PuppeteerBrowser }> {
  const userHome = mkdtempSync(join(tmpdir(), 'loupe-firefox-home-'));
  // The folder `loupe start` registers for Firefox in this user's home (~/.mozilla/native-messaging-hosts on Linux).
  const firefoxDirs = defaultManifestDirs(userHome).filter((d) => d.family === 'firefox').map((d) => d.dir);
  installNativeHost({ home: o.home, firefoxManifestDirs: firefoxDirs, defaults: false, port: o.port });
  const origin = `moz-extension://${FIREFOX_EXTENSION_UUID}`;
  const driver = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    protocol: 'webDriverBiDi',
    headless: true,
    env: { ...process.env, HOME: userHome },
    args: ['-remote-allow-system-access', '--width=1280', '--height=900'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: FIREFOX_EXTENSION_UUID }),
      'layout.css.devPixelsPerPx': String(o.dpr),
      'browser.shell.checkDefaultBrowser': false,
    },
  });
  try {
    await driver.installExtension(FIREFOX_EXTENSION_DIR);
    // A first extension page to reach the background from (BiDi does not list background pages).
    const [first] = await driver.pages();
    const hub = first ?? (await driver.newPage());
    // Puppeteer does not see the navigation finish into the extension's process: wait on the document instead.
    void hub.goto(`${origin}/preview.html`).catch(() => undefined);
    await waitFor(async () => (await hrefOf(hub)).startsWith(origin), 'the extension page to open (is the extension installed?)');
    const background = <T>(source: string) =>
      hub.evaluate(`(async () => { const LOUPE = (await browser.runtime.getBackgroundPage()).__loupe; return ${source}; })()`) as Promise<T>;
    await waitFor(() => hub.evaluate(`browser.runtime.getBackgroundPage().then((bg) => !!bg.__loupe)`) as Promise<boolean>, 'the background script');
    await background('LOUPE.ready.then(() => true)');

    const openExtension = async (path: string, how: 'window' | 'tab') => {
      const url = `${origin}/${path}${path.includes('?') ? '&' : '?'}open=${Math.random().toString(36).slice(2)}`;
      await hub.evaluate(
        how === 'window'
          ? `browser.windows.create({ url: ${JSON.stringify(url)}, type: 'normal', width: 900, height: 1000 }).then(() => true)`
          : `browser.tabs.create({ url: ${JSON.stringify(url)} }).then(() => true)`,
      );
      return findPage(driver, url);
    };
    const panelPage = await openExtension('sidepanel.html', 'window');
    const panelContext = (panelPage.mainFrame() as unknown as { _id: string })._id;
    const bidi = (driver as unknown as { connection: { send(method: string, params: object): Promise<{ result: unknown }> } }).connection;

    return {
      name: 'Firefox',
      dpr: o.dpr,
      origin,
      driver,
      panel: puppeteerUi(panelPage),
      async reloadPanel() {
        await panelPage.evaluate('window.__loupeOldDocument = true; location.reload()').catch(() => undefined);
        await waitFor(() => panelPage.evaluate(`!window.__loupeOldDocument && !!document.querySelector('[data-testid=tab-history]')`).catch(() => false) as Promise<boolean>, 'the panel to reload');
      },
      async openPage(url) {
        const page = await driver.newPage();
        await page.goto(url);
        await page.bringToFront();
        return puppeteerUi(page);
      },
      openExtensionPage: async (path) => puppeteerUi(await openExtension(path, 'tab')),
      async tabId(url) {
        const id = await background<number>(`browser.tabs.query({}).then((tabs) => tabs.find((t) => t.url === ${JSON.stringify(url)})?.id ?? -1)`);
        if (id < 0) throw new Error(`no tab with ${url}`);
        return id;
      },
      background: (fn, arg) => background(callSource(fn as never, arg, 'LOUPE')),
      async inPreview(expression) {
        type Tree = { contexts: Array<{ context: string; url: string; children: Tree['contexts'] | null }> };
        const { result } = (await bidi.send('browsingContext.getTree', { root: panelContext })) as { result: Tree };
        const frame = result.contexts.flatMap((c) => c.children ?? []).find((c) => c.url.includes('/preview.html'));
        if (!frame) throw new Error('no preview frame in the panel');
        const { result: value } = (await bidi.send('script.evaluate', { expression, target: { context: frame.context }, awaitPromise: true })) as {
          result: { type: string; result?: { value?: unknown }; exceptionDetails?: { text: string } };
        };
        if (value.type === 'exception') throw new Error(`in the preview frame: ${value.exceptionDetails?.text}`);
        return value.result?.value as never;
      },
      async elementPng(url, selector) {
        const page = await driver.newPage();
        await page.goto(url);
        const png = await (await page.$(selector))!.screenshot();
        await page.close();
        return Buffer.from(png);
      },
      async close() {
        await driver.close().catch(() => undefined);
        rmSync(userHome, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await driver.close().catch(() => undefined);
    rmSync(userHome, { recursive: true, force: true });
    throw error;
  }
}

const hrefOf = (page: PuppeteerPage) => page.evaluate('location.href').then(String, () => '');

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The page showing `url`, found by its document (Puppeteer keeps reporting moz-extension tabs as about:blank). */
async function findPage(driver: PuppeteerBrowser, url: string): Promise<PuppeteerPage> {
  let found: PuppeteerPage | undefined;
  await waitFor(async () => {
    for (const page of await driver.pages()) if ((await hrefOf(page)) === url) found = page;
    return found !== undefined;
  }, `a tab at ${url}`);
  return found!;
}
