import type { ElementHandle, Page } from 'puppeteer-core';
import type { Box, UiLocator, UiPage } from './ui';

/**
 * UiPage over a Puppeteer page (WebDriver BiDi). Locators resolve in the page on every call, as
 * Playwright's do: a selector is a chain of descendant steps, each searched through open shadow
 * roots (the extension's on-page UI lives in one), then narrowed by first()/last().
 */
type Step = { css: string } | { pick: 'first' | 'last' };

/** Runs in the page (a string: this project type-checks without the DOM lib): the elements a chain of steps selects. */
const RESOLVE = `((steps) => {
  const deepAll = (root, css) => {
    const out = [...root.querySelectorAll(css)];
    if (root.shadowRoot) out.push(...deepAll(root.shadowRoot, css));
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot) out.push(...deepAll(el.shadowRoot, css));
    return out;
  };
  let found = [document];
  for (const step of steps) {
    if ('pick' in step) found = step.pick === 'first' ? found.slice(0, 1) : found.slice(-1);
    else for (const part of step.css.trim().split(/\\s+/)) found = found.flatMap((root) => deepAll(root, part));
  }
  return found;
})`;
const WAIT_MS = 30_000;

class PuppeteerLocator implements UiLocator {
  constructor(
    private readonly page: Page,
    private readonly steps: Step[],
  ) {}

  locator(selector: string): UiLocator {
    return new PuppeteerLocator(this.page, [...this.steps, { css: selector }]);
  }
  first(): UiLocator {
    return new PuppeteerLocator(this.page, [...this.steps, { pick: 'first' }]);
  }
  last(): UiLocator {
    return new PuppeteerLocator(this.page, [...this.steps, { pick: 'last' }]);
  }

  /** Evaluates `body` (a function of the first matching element `el`) once the element exists. */
  private async onElement<R>(body: string, timeout = WAIT_MS): Promise<R> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const r = await this.page.evaluate(`(() => { const el = ${RESOLVE}(${JSON.stringify(this.steps)})[0]; if (!el) return { missing: true }; return { value: (${body})(el) }; })()`);
      const result = r as { missing?: true; value?: R };
      if (!result.missing) return result.value as R;
      if (Date.now() > deadline) throw new Error(`no element for ${JSON.stringify(this.steps)} within ${timeout} ms`);
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  private async handle(): Promise<ElementHandle> {
    await this.onElement('() => true');
    const handle = await this.page.evaluateHandle(`${RESOLVE}(${JSON.stringify(this.steps)})[0]`);
    return handle as ElementHandle;
  }

  getAttribute(name: string, options?: { timeout?: number }) {
    return this.onElement<string | null>(`(el) => el.getAttribute(${JSON.stringify(name)})`, options?.timeout);
  }
  textContent() {
    return this.onElement<string | null>('(el) => el.textContent');
  }
  async allTextContents() {
    return this.page.evaluate(`${RESOLVE}(${JSON.stringify(this.steps)}).map((el) => el.textContent ?? '')`) as Promise<string[]>;
  }
  async count() {
    return this.page.evaluate(`${RESOLVE}(${JSON.stringify(this.steps)}).length`) as Promise<number>;
  }
  async click(options?: { button?: 'left' | 'right' }) {
    const handle = await this.handle();
    await handle.click({ button: options?.button ?? 'left' });
    await handle.dispose();
  }
  /** Sets the value as typing would end up (one input event), like Playwright's fill. */
  async fill(value: string) {
    await this.onElement(`(el) => { el.focus(); el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); }`);
  }
  async selectOption(value: string) {
    await this.onElement(`(el) => { el.value = ${JSON.stringify(value)}; el.dispatchEvent(new Event('input', { bubbles: true })); el.dispatchEvent(new Event('change', { bubbles: true })); }`);
    return [value];
  }
  isChecked() {
    return this.onElement<boolean>('(el) => el.checked');
  }
  inputValue() {
    return this.onElement<string>('(el) => el.value');
  }
  boundingBox() {
    return this.onElement<Box | null>('(el) => { const r = el.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; }');
  }
  async scrollIntoViewIfNeeded() {
    await this.onElement(`(el) => el.scrollIntoView({ block: 'center' })`);
  }
  async waitFor() {
    await this.onElement('() => true');
  }
}

export function puppeteerUi(page: Page): UiPage {
  return {
    locator: (selector) => new PuppeteerLocator(page, [{ css: selector }]),
    evaluate: <R>(expression: string) => page.evaluate(expression) as Promise<R>,
    mouse: {
      move: (x, y, options) => page.mouse.move(x, y, options),
      down: () => page.mouse.down(),
      up: () => page.mouse.up(),
    },
    keyboard: { press: (key) => page.keyboard.press(key as never) },
    screenshot: (options) => page.screenshot({ path: options.path as `${string}.png`, fullPage: options.fullPage ?? false }),
    bringToFront: () => page.bringToFront(),
    close: () => page.close(),
  };
}
