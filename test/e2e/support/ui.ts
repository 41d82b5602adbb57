/**
 * The part of a browser page the shared user flows drive. Playwright's Page and Locator
 * satisfy it as they are (Chromium); test/e2e/support/puppeteer-ui.ts gives it to a
 * Puppeteer page over WebDriver BiDi (Firefox).
 */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface UiLocator {
  locator(selector: string): UiLocator;
  first(): UiLocator;
  last(): UiLocator;
  /** Waits for the element (up to `timeout` ms), then reads the attribute. */
  getAttribute(name: string, options?: { timeout?: number }): Promise<string | null>;
  textContent(): Promise<string | null>;
  allTextContents(): Promise<string[]>;
  count(): Promise<number>;
  click(options?: { button?: 'left' | 'right' }): Promise<void>;
  fill(value: string): Promise<void>;
  selectOption(value: string): Promise<unknown>;
  isChecked(): Promise<boolean>;
  inputValue(): Promise<string>;
  boundingBox(): Promise<Box | null>;
  scrollIntoViewIfNeeded(): Promise<void>;
  waitFor(): Promise<void>;
}

export interface UiPage {
  locator(selector: string): UiLocator;
  evaluate<R>(expression: string): Promise<R>;
  mouse: {
    move(x: number, y: number, options?: { steps?: number }): Promise<void>;
    down(): Promise<void>;
    up(): Promise<void>;
  };
  keyboard: { press(key: string): Promise<void> };
  screenshot(options: { path: string; fullPage?: boolean }): Promise<unknown>;
  bringToFront(): Promise<void>;
  close(): Promise<void>;
}

/** The extension's UI inside a closed shadow root on a page (test/e2e/support/browser-adapter.ts `overlay`). */
export interface ClosedOverlay {
  /** Waits (up to `timeoutMs`) until `selector` matches inside the closed root. */
  waitFor(selector: string, timeoutMs?: number): Promise<unknown>;
  has(selector: string): Promise<boolean>;
  text(selector: string): Promise<string>;
  /** A real (trusted) click at the element's centre. */
  click(selector: string): Promise<void>;
  /** A real click on the element, then real typing. */
  fill(selector: string, text: string): Promise<void>;
  detach(): Promise<void>;
}

/** Polls `find` every 100 ms until it returns something, failing after `timeoutMs` with "no `selector` in the overlay". */
export async function pollOverlay<T>(find: () => Promise<T | null | 0>, selector: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no ${selector} in the overlay's closed shadow root`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
