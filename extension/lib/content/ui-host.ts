/**
 * A host element with a shadow root, so page CSS cannot restyle our UI (and ours cannot leak).
 * `closed` for UI the user types into or drives: the page's scripts get no handle on it.
 */
export function createHost(position: 'fixed' | 'absolute', css: string, mode: ShadowRootMode = 'open'): { host: HTMLElement; root: ShadowRoot } {
  const host = document.createElement('loupe-ui');
  host.setAttribute('data-loupe-ui', '');
  host.style.cssText = `all: initial; position: ${position}; z-index: 2147483647; top: 0; left: 0;`;
  const root = host.attachShadow({ mode });
  const style = document.createElement('style');
  style.textContent = css;
  root.append(style);
  document.documentElement.append(host);
  return { host, root };
}

export function toast(text: string): void {
  const { host, root } = createHost(
    'fixed',
    `.t{position:fixed;right:16px;bottom:16px;background:#1f2937;color:#fff;font:13px/1.4 system-ui,sans-serif;padding:8px 12px;border-radius:8px;box-shadow:0 4px 16px #0004}`,
  );
  const div = document.createElement('div');
  div.className = 't';
  div.setAttribute('role', 'status');
  div.textContent = text;
  root.append(div);
  setTimeout(() => host.remove(), 3000);
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
