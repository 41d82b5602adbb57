import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { createShadowRootUi } from 'wxt/utils/content-script-ui/shadow-root';

/** The tag of every element Loupe puts on a page (the host of a shadow root). */
export const UI_TAG = 'loupe-ui';

export interface PageUi {
  host: HTMLElement;
  /** Where the UI's elements go (inside the shadow root). */
  root: HTMLElement;
  remove: () => void;
}

/**
 * A UI in a shadow root (WXT's createShadowRootUi), so page CSS cannot restyle it (and ours cannot
 * leak); removed when the content script's context is invalidated. `closed` for UI the user types
 * into or drives: the page's scripts get no handle on it. The host's own box is pinned from inside
 * with !important (a shadow root's important rules beat the page's), at the page's or viewport's
 * top-left corner.
 */
export async function createHost(ctx: ContentScriptContext, position: 'fixed' | 'absolute', css: string, mode: ShadowRootMode = 'open'): Promise<PageUi> {
  const ui = await createShadowRootUi(ctx, {
    name: UI_TAG,
    position: 'inline',
    anchor: document.documentElement,
    mode,
    // Keys typed into our UI do not reach the page's own shortcuts.
    isolateEvents: true,
    inheritStyles: true,
    css: `:host{all:initial !important;position:${position} !important;z-index:2147483647 !important;top:0 !important;left:0 !important}
html,body{margin:0;padding:0}
${css}`,
    onMount: () => undefined,
  });
  ui.mount();
  return { host: ui.shadowHost, root: ui.uiContainer, remove: () => ui.remove() };
}

export async function toast(ctx: ContentScriptContext, text: string): Promise<void> {
  const ui = await createHost(
    ctx,
    'fixed',
    `.t{position:fixed;right:16px;bottom:16px;background:#1f2937;color:#fff;font:13px/1.4 system-ui,sans-serif;padding:8px 12px;border-radius:8px;box-shadow:0 4px 16px #0004}`,
  );
  const div = document.createElement('div');
  div.className = 't';
  div.setAttribute('role', 'status');
  div.textContent = text;
  ui.root.append(div);
  ctx.setTimeout(ui.remove, 3000);
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No focus or no permission: the legacy path works from a user-visible page.
    const area = document.createElement('textarea');
    area.value = text;
    area.style.cssText = 'position:fixed;top:-1000px;opacity:0';
    document.documentElement.append(area);
    area.select();
    const ok = document.execCommand('copy');
    area.remove();
    return ok;
  }
}
