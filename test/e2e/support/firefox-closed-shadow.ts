import type { Page } from 'puppeteer-core';
import { pollOverlay, type ClosedOverlay } from './ui';

/** The WebDriver BiDi connection under Puppeteer (raw commands: Puppeteer has no closed-root access). */
export interface BidiConnection {
  send(method: string, params: object): Promise<{ result: unknown }>;
}

type RemoteValue = { type: string; sharedId?: string; value?: unknown };
type EvalResult = { type: 'success' | 'exception'; result?: RemoteValue; exceptionDetails?: { text: string } };

/**
 * Firefox's counterpart of closed-shadow.ts: WebDriver BiDi serializes an element's shadow root
 * whatever its mode (the driver is not the page), so the closed root of each `<loupe-ui>` comes
 * back as a shared reference, and queries run on it as `this`. Input is Puppeteer's real mouse and
 * keyboard (BiDi input.performActions: trusted events).
 */
export async function firefoxClosedOverlay(bidi: BidiConnection, page: Page): Promise<ClosedOverlay> {
  const context = (page.mainFrame() as unknown as { _id: string })._id;
  const run = async (method: string, params: object): Promise<RemoteValue | undefined> => {
    const { result } = (await bidi.send(method, { target: { context }, awaitPromise: false, ...params })) as { result: EvalResult };
    if (result.type === 'exception') throw new Error(`in the page: ${result.exceptionDetails?.text}`);
    return result.result;
  };
  /** The closed shadow roots of the page's `<loupe-ui>` hosts. */
  const closedRoots = async (): Promise<string[]> => {
    const hosts = await run('script.evaluate', { expression: `[...document.querySelectorAll('loupe-ui')]`, serializationOptions: { maxDomDepth: 0 } });
    const roots: string[] = [];
    for (const host of (hosts?.value as RemoteValue[] | undefined) ?? []) {
      const shadow = (host.value as { shadowRoot?: RemoteValue & { value?: { mode?: string } } } | undefined)?.shadowRoot;
      if (shadow?.sharedId && shadow.value?.mode === 'closed') roots.push(shadow.sharedId);
    }
    return roots;
  };
  /** `selector`'s first match in a closed root: its centre and text, or null. */
  const find = async (selector: string): Promise<{ x: number; y: number; text: string } | null> => {
    for (const sharedId of await closedRoots()) {
      const found = await run('script.callFunction', {
        functionDeclaration: `function (s) { const el = this.querySelector(s); if (!el) return ''; const r = el.getBoundingClientRect(); return JSON.stringify({ x: r.x + r.width / 2, y: r.y + r.height / 2, text: el.textContent ?? '' }); }`,
        this: { sharedId },
        arguments: [{ type: 'string', value: selector }],
      });
      if (typeof found?.value === 'string' && found.value) return JSON.parse(found.value) as { x: number; y: number; text: string };
    }
    return null;
  };
  const waitFor = (selector: string, timeoutMs?: number) => pollOverlay(() => find(selector), selector, timeoutMs);
  const overlay: ClosedOverlay = {
    waitFor,
    has: async (selector) => (await find(selector)) !== null,
    text: async (selector) => (await waitFor(selector)).text,
    async click(selector) {
      const { x, y } = await waitFor(selector);
      await page.mouse.click(x, y);
    },
    async fill(selector, text) {
      await overlay.click(selector);
      await page.keyboard.type(text);
    },
    detach: async () => undefined,
  };
  return overlay;
}
