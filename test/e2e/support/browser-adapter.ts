// Over 300 lines: the one interface the e2e flows drive, with its Chromium and Firefox implementations side by side so they stay alike.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page as PlaywrightPage } from 'playwright-core';
import puppeteer, { type Browser as PuppeteerBrowser, type Page as PuppeteerPage } from 'puppeteer-core';
import { defaultManifestDirs, installNativeHost } from '@loupe/companion/pairing/install-native-host';
import { FIREFOX_EXTENSION_ID } from '@loupe/shared';
import { REPO_ROOT } from '../../helpers/daemon';
import { closedOverlay } from './closed-shadow';
import { launchPaired, type ExtensionBrowser } from './extension-browser';
import { firefoxClosedOverlay, type BidiConnection } from './firefox-closed-shadow';
import { puppeteerUi } from './puppeteer-ui';
import type { ClosedOverlay, UiPage } from './ui';

/**
 * Every per-browser difference of the shared user flows (test/e2e/flows/) lives here: where the
 * pairing host manifest goes, how the extension is loaded and its page URL known, how the panel
 * opens, how the background is reached, and how the sandboxed preview frame is read.
 */

/** What the background exposes to the tests as `globalThis.__loupe` (extension/lib/background/main.ts). */
export interface LoupeTestApi {
  ready: Promise<void>;
  session: { maxTokens?: number; conversation: { turns: Array<{ text: string; stats?: { images?: number; visualTokens?: number } }> }; changed(): void };
  imageFlow(task: string, tabId: number, frameId?: number, srcUrl?: string): Promise<void>;
  /** What the context-menu entry `id` runs (extension/lib/actions). */
  runAction(id: string, tabId: number, frameId?: number, srcUrl?: string): Promise<void>;
  tabFlow(task: string, tabId: number): Promise<void>;
  startSelection(tabId: number, action?: string): Promise<void>;
  videoFlow(task: 'describe' | 'ask', tabId: number, frameId?: number): Promise<void>;
}

export interface LoupeBrowser {
  name: 'Chromium' | 'Firefox';
  dpr: number;
  /** chrome-extension://<id> or moz-extension://<uuid>, no trailing slash. */
  origin: string;
  /** Whether the panel offers to pop the code preview out into a tab (not in Firefox: no sandboxed pages there). */
  previewPopsOut: boolean;
  /**
   * Whether the content script may read the pixels of another origin's <video> that the page itself
   * cannot (Firefox: content scripts act with the extension's host permissions; Chromium: they do not,
   * so Loupe falls back to tab captures there).
   */
  contentReadsCrossOriginVideo: boolean;
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
  /**
   * The region overlay on `page`, inside its closed shadow root: reached the way only the driver
   * can (never through the page), and driven with trusted input (the real mouse and keyboard).
   */
  overlay(page: UiPage): Promise<ClosedOverlay>;
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
  const paired = await launchPaired(o);
  const { browser: ext, panel } = paired;
  const openPage = async (url: string) => {
    const page = await ext.context.newPage();
    await page.goto(url);
    await page.bringToFront();
    return page;
  };
  return {
    name: CHROMIUM_UNDER_TEST.name,
    dpr: o.dpr,
    previewPopsOut: true,
    contentReadsCrossOriginVideo: false,
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
    overlay: (page) => closedOverlay(page as PlaywrightPage),
    async elementPng(url, selector) {
      const page = await ext.context.newPage();
      await page.goto(url);
      const png = await page.locator(selector).screenshot();
      await page.close();
      return png;
    },
    close: () => paired.close(),
  };
}

export const FIREFOX = process.env.LOUPE_FIREFOX ?? '/usr/bin/firefox-esr';
/** The Firefox build with the test hooks (`npm run build:e2e`). */
export const FIREFOX_EXTENSION_DIR = join(REPO_ROOT, 'extension', '.output', 'firefox-mv3-e2e');
/** Pinned with extensions.webextensions.uuids, so the extension's page URLs (and paired origin) are known. */
export const FIREFOX_EXTENSION_UUID = '7d4e0c39-3b51-4f0e-9a56-1c2b3d4e5f60';

interface FirefoxSession {
  driver: PuppeteerBrowser;
  /** An extension page to reach the background from (BiDi does not list background pages). */
  hub: PuppeteerPage;
  panelPage: PuppeteerPage;
  panelContext: string;
}

const FIREFOX_ORIGIN = `moz-extension://${FIREFOX_EXTENSION_UUID}`;

/** `source` evaluated in an extension page with `LOUPE` bound to the background's test API. */
const inBackground = <T>(hub: PuppeteerPage, source: string) =>
  hub.evaluate(`(async () => { const LOUPE = (await browser.runtime.getBackgroundPage()).__loupe; return ${source}; })()`) as Promise<T>;

/** Opens an extension page in a new window or tab, from the hub page, and finds it. */
async function openFirefoxExtensionPage(s: Pick<FirefoxSession, 'driver' | 'hub'>, path: string, how: 'window' | 'tab'): Promise<PuppeteerPage> {
  const url = `${FIREFOX_ORIGIN}/${path}${path.includes('?') ? '&' : '?'}open=${Math.random().toString(36).slice(2)}`;
  await s.hub.evaluate(
    how === 'window'
      ? `browser.windows.create({ url: ${JSON.stringify(url)}, type: 'normal', width: 900, height: 1000 }).then(() => true)`
      : `browser.tabs.create({ url: ${JSON.stringify(url)} }).then(() => true)`,
  );
  return findPage(s.driver, url);
}

/** Starts Firefox on `profile` (where the extension is installed), waits for the background, opens the panel. */
async function startFirefox(profile: string, userHome: string, dpr: number): Promise<FirefoxSession> {
  const driver = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    protocol: 'webDriverBiDi',
    headless: true,
    userDataDir: profile,
    env: { ...process.env, HOME: userHome },
    args: ['-remote-allow-system-access', '--width=1280', '--height=900'],
    extraPrefsFirefox: {
      'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_EXTENSION_ID]: FIREFOX_EXTENSION_UUID }),
      // Install the unpacked build from the profile's extensions/ folder, as a permanent add-on (ESR allows unsigned ones).
      'xpinstall.signatures.required': false,
      'extensions.autoDisableScopes': 0,
      'extensions.enabledScopes': 15,
      'layout.css.devPixelsPerPx': String(dpr),
      'browser.shell.checkDefaultBrowser': false,
    },
  });
  try {
    const [first] = await driver.pages();
    const hub = first ?? (await driver.newPage());
    // Puppeteer does not see the navigation finish into the extension's process: wait on the document instead.
    void hub.goto(`${FIREFOX_ORIGIN}/preview.html`).catch(() => undefined);
    await waitFor(async () => (await hrefOf(hub)).startsWith(FIREFOX_ORIGIN), 'the extension page to open (is the extension installed?)');
    await waitFor(() => hub.evaluate(`browser.runtime.getBackgroundPage().then((bg) => !!bg.__loupe)`) as Promise<boolean>, 'the background script');
    await inBackground(hub, 'LOUPE.ready.then(() => true)');
    const panelPage = await openFirefoxExtensionPage({ driver, hub }, 'sidepanel.html', 'window');
    return { driver, hub, panelPage, panelContext: (panelPage.mainFrame() as unknown as { _id: string })._id };
  } catch (error) {
    await driver.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Debian firefox-esr via Puppeteer over WebDriver BiDi. The built extension is installed the way a
 * user's add-on is, permanently in the profile (an extension proxy file: extensions/<id> holds the
 * build's path), so its storage survives a browser restart. Firefox finds the pairing host manifest
 * in $HOME/.mozilla/native-messaging-hosts, so the browser gets a temp HOME.
 * `-remote-allow-system-access` lets the driver navigate to moz-extension:// pages.
 */
export async function launchFirefox(o: LaunchOptions): Promise<LoupeBrowser & { restart(): Promise<void> }> {
  const userHome = mkdtempSync(join(tmpdir(), 'loupe-firefox-home-'));
  // Where Firefox keeps a user's profiles: the pairing host reads this install's moz-extension uuid from its prefs.js.
  const profile = join(userHome, '.mozilla', 'firefox', 'loupe-e2e.default');
  mkdirSync(profile, { recursive: true });
  const cleanup = () => rmSync(userHome, { recursive: true, force: true });
  // The folder `loupe start` registers for Firefox in this user's home (~/.mozilla/native-messaging-hosts on Linux).
  const firefoxDirs = defaultManifestDirs(userHome).filter((d) => d.family === 'firefox').map((d) => d.dir);
  installNativeHost({ home: o.home, firefoxManifestDirs: firefoxDirs, defaults: false, port: o.port });
  mkdirSync(join(profile, 'extensions'));
  writeFileSync(join(profile, 'extensions', FIREFOX_EXTENSION_ID), `${FIREFOX_EXTENSION_DIR}\n`);
  let s: FirefoxSession;
  try {
    s = await startFirefox(profile, userHome, o.dpr);
  } catch (error) {
    cleanup();
    throw error;
  }
  const bidi = () => (s.driver as unknown as { connection: BidiConnection }).connection;
  let panel = puppeteerUi(s.panelPage);
  /** The Puppeteer page behind each page the flows opened, for what the UiPage slice does not cover. */
  const pages = new WeakMap<UiPage, PuppeteerPage>();

  return {
    name: FIREFOX_UNDER_TEST.name,
    dpr: o.dpr,
    previewPopsOut: false,
    contentReadsCrossOriginVideo: true,
    origin: FIREFOX_ORIGIN,
    get panel() {
      return panel;
    },
    /** Quits Firefox and starts it again on the same profile; the panel is a new page then. */
    async restart() {
      await s.driver.close();
      s = await startFirefox(profile, userHome, o.dpr);
      panel = puppeteerUi(s.panelPage);
    },
    async reloadPanel() {
      await s.panelPage.evaluate('window.__loupeOldDocument = true; location.reload()').catch(() => undefined);
      await waitFor(() => s.panelPage.evaluate(`!window.__loupeOldDocument && !!document.querySelector('[data-testid=tab-history]')`).catch(() => false) as Promise<boolean>, 'the panel to reload');
    },
    async openPage(url) {
      const page = await s.driver.newPage();
      await page.goto(url);
      await page.bringToFront();
      const ui = puppeteerUi(page);
      pages.set(ui, page);
      return ui;
    },
    openExtensionPage: async (path) => puppeteerUi(await openFirefoxExtensionPage(s, path, 'tab')),
    async tabId(url) {
      const id = await inBackground<number>(s.hub, `browser.tabs.query({}).then((tabs) => tabs.find((t) => t.url === ${JSON.stringify(url)})?.id ?? -1)`);
      if (id < 0) throw new Error(`no tab with ${url}`);
      return id;
    },
    background: (fn, arg) => inBackground(s.hub, callSource(fn as never, arg, 'LOUPE')),
    async inPreview(expression) {
      type Tree = { contexts: Array<{ context: string; url: string; children: Tree['contexts'] | null }> };
      const { result } = (await bidi().send('browsingContext.getTree', { root: s.panelContext })) as { result: Tree };
      const frame = result.contexts.flatMap((c) => c.children ?? []).find((c) => c.url.includes('/preview.html'));
      if (!frame) throw new Error('no preview frame in the panel');
      const { result: value } = (await bidi().send('script.evaluate', { expression, target: { context: frame.context }, awaitPromise: true })) as {
        result: { type: string; result?: { value?: unknown }; exceptionDetails?: { text: string } };
      };
      if (value.type === 'exception') throw new Error(`in the preview frame: ${value.exceptionDetails?.text}`);
      return value.result?.value as never;
    },
    async overlay(ui) {
      const page = pages.get(ui);
      if (!page) throw new Error('overlay(): not a page opened with openPage()');
      return firefoxClosedOverlay(bidi(), page);
    },
    async elementPng(url, selector) {
      const page = await s.driver.newPage();
      await page.goto(url);
      const png = await (await page.$(selector))!.screenshot();
      await page.close();
      return Buffer.from(png);
    },
    async close() {
      await s.driver.close().catch(() => undefined);
      cleanup();
    },
  };
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

/** A browser the shared flows run in: its name, its adapter, and its runs' folder under test-artifacts/. */
export interface BrowserUnderTest<B extends LoupeBrowser> {
  name: LoupeBrowser['name'];
  launch(o: LaunchOptions): Promise<B>;
  artifacts: string;
}

export const CHROMIUM_UNDER_TEST: BrowserUnderTest<Awaited<ReturnType<typeof launchChromium>>> = { name: 'Chromium', launch: launchChromium, artifacts: 'e2e' };
export const FIREFOX_UNDER_TEST: BrowserUnderTest<Awaited<ReturnType<typeof launchFirefox>>> = { name: 'Firefox', launch: launchFirefox, artifacts: 'e2e-firefox' };
