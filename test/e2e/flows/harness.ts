import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { REPO_ROOT, type RunningDaemon } from '../../helpers/daemon';
import type { LaunchOptions, LoupeBrowser } from '../support/browser-adapter';
import type { TestSite } from '../support/test-site';
import { useWorld } from '../support/world';
import type { ClosedOverlay, UiLocator, UiPage } from '../support/ui';

/**
 * What every shared flow gets: the real companion (stand-in VLM, real OCR), the test site, and
 * the browser (through its adapter), plus the few steps the flows repeat.
 */
export interface Harness<B extends LoupeBrowser = LoupeBrowser> {
  readonly b: B;
  readonly panel: UiPage;
  readonly daemon: RunningDaemon;
  readonly site: TestSite;
  /** The companion's LOUPE_HOME, ours (not the helper's temp dir), so a restarted companion keeps its token. */
  readonly home: string;
  /** The devicePixelRatio this run's browser renders at (known before it launches). */
  readonly dpr: number;
  artifacts: string;
  restartDaemon(args: string[]): Promise<void>;
  stopDaemon(): Promise<void>;
  shot(page: UiPage, name: string): Promise<unknown>;
  openSite(path: string): Promise<{ page: UiPage; tabId: number }>;
  startsConversation(run: () => Promise<unknown>): Promise<void>;
  lastTurn(): Promise<UiLocator>;
  /** Asks `text` in the follow-up box (Send, or Locate), waits for the new turn to end and returns it. */
  followUp(text: string, button?: 'send' | 'locate'): Promise<UiLocator>;
  rightClickFlow(page: UiPage, tabId: number, selector: string, task: string, srcUrl?: string): Promise<UiLocator>;
  expectOwnBytes(size: string): Promise<void>;
  startSelection(tabId: number, action: string): Promise<void>;
  /** Starts a region selection on `page` and waits for its overlay (inside the closed shadow root). */
  openOverlay(page: UiPage, tabId: number, action: string): Promise<ClosedOverlay>;
}

export interface HarnessOptions<B extends LoupeBrowser> {
  launch(o: LaunchOptions): Promise<B>;
  dpr: number;
  /** Folder under test-artifacts/ for this run's screenshots. */
  artifacts: string;
  /** Whether the VLM is needed (false: OCR only, the companion starts faster). */
  vlm?: boolean;
}

export const normalize = (s: string) => s.toLowerCase().replace(/\s+/g, ' ');

/** Registers the suite's beforeAll/afterAll; the returned harness is usable inside tests. */
export function useHarness<B extends LoupeBrowser>(o: HarnessOptions<B>): Harness<B> {
  const world = useWorld({
    homePrefix: 'loupe-e2e-home-',
    // eosAfter counts prompt + image tokens: large enough that the stand-in writes a few hundred noise tokens.
    ...(o.vlm !== false ? { model: { eosAfter: 3000 } } : {}),
    // Zero-configuration pairing: the adapter puts the host manifest where this browser looks.
    // The companion runs on an ephemeral port: the extension learns it from pairing.
    launch: ({ home, port }) => o.launch({ home, port, dpr: o.dpr }),
    timeoutMs: 300_000,
  });
  let visits = 0;
  const artifacts = join(REPO_ROOT, 'test-artifacts', o.artifacts);

  const conversationId = (p: UiPage) => p.locator('[data-testid=conversation]').getAttribute('data-id', { timeout: 1_000 }).catch(() => '');

  const h: Harness<B> = {
    get b() {
      return world.browser;
    },
    get panel() {
      return world.browser.panel;
    },
    get daemon() {
      return world.daemon;
    },
    get site() {
      return world.site;
    },
    get home() {
      return world.home;
    },
    dpr: o.dpr,
    artifacts,
    async stopDaemon() {
      await world.daemon.stop();
    },
    async restartDaemon(args) {
      await world.restartDaemon(args);
    },
    shot: (p, name) => p.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true }),
    async openSite(path) {
      // A unique URL per visit, so the tab is found by URL without ambiguity.
      const url = `${h.site.url}${path}?visit=${++visits}`;
      const page = await h.b.openPage(url);
      return { page, tabId: await h.b.tabId(url) };
    },
    /** Runs a flow and waits until the panel shows the new conversation it started. */
    async startsConversation(run) {
      const before = await conversationId(h.panel);
      await run();
      await expect.poll(() => conversationId(h.panel), { timeout: 30_000 }).not.toBe(before);
    },
    async lastTurn() {
      const turn = h.panel.locator('[data-testid=turn]').last();
      await expect.poll(() => turn.getAttribute('data-status'), { timeout: 120_000 }).toMatch(/done|error|cancelled/);
      return turn;
    },
    async followUp(text, button = 'send') {
      const turns = h.panel.locator('[data-testid=turn]');
      const before = await turns.count();
      await h.panel.locator('[data-testid=followup-input]').fill(text);
      await h.panel.locator(`[data-testid=followup-${button}]`).click();
      await expect.poll(() => turns.count()).toBe(before + 1);
      return h.lastTurn();
    },
    /**
     * Right-clicks `selector` on the page, then runs what the context menu item for `task` runs (native
     * menus cannot be clicked by automation), and returns the finished turn in the panel.
     */
    async rightClickFlow(page, tabId, selector, task, srcUrl) {
      await page.locator(selector).click({ button: 'right' });
      await h.startsConversation(() => h.b.background((l, a) => l.imageFlow(a.task, a.tabId, 0, a.srcUrl), { tabId, task, ...(srcUrl ? { srcUrl } : {}) }));
      return h.lastTurn();
    },
    /** The panel's caption says the image's own bytes were sent, at this size. */
    async expectOwnBytes(size) {
      const caption = (await h.panel.locator('[data-testid=image-size]').textContent()) ?? '';
      expect(caption).toContain(`${size} px`);
      expect(caption).toContain("the image's own bytes");
    },
    startSelection: (tabId, action) => h.b.background((l, a) => l.startSelection(a.tabId, a.action), { tabId, action }),
    async openOverlay(page, tabId, action) {
      await h.startSelection(tabId, action);
      const overlay = await h.b.overlay(page);
      await overlay.waitFor('.layer');
      return overlay;
    },
  };

  beforeAll(async () => {
    mkdirSync(artifacts, { recursive: true });
    const { site, browser: b } = world;
    // Render the <img>'s picture with the browser itself (real text, real antialiasing).
    site.files.set('/text.png', { type: 'image/png', body: await b.elementPng(`${site.url}/text-source.html`, '#card') });
    // The stand-in decodes a few tokens per second on a shared CPU: keep its answers short.
    await b.background((l) => void (l.session.maxTokens = 40));
  }, 60_000);

  return h;
}

export type FlowIt = (key: string, title: string, fn: () => Promise<void>) => void;

/**
 * `it`, registered only when `key` is one of the flows this run includes: `only`, else the keys in
 * LOUPE_E2E_FLOWS (comma-separated, for working on one flow), else all.
 */
export function flowIt(only: readonly string[] | undefined): FlowIt {
  only ??= process.env.LOUPE_E2E_FLOWS?.split(',').filter(Boolean);
  return (key, title, fn) => {
    if (!only || only.includes(key)) it(title, fn);
  };
}
