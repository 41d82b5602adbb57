// Renders generated HTML in a sandboxed page: a unique origin with no extension APIs,
// no network (see the manifest's sandbox CSP), and Tailwind compiled in the browser from
// the bundled @tailwindcss/browser so utility classes work offline.
import '@tailwindcss/browser';

function render(html: string): void {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  // Keep our own head (Tailwind's generated <style> lives there); swap the generated one in.
  document.head.querySelectorAll('[data-loupe-generated]').forEach((n) => n.remove());
  const styles = [...Array.from(doc.head.querySelectorAll('style, link[rel="stylesheet"]')), ...Array.from(doc.body.querySelectorAll('style'))];
  for (const node of styles) {
    const copy = document.importNode(node, true) as Element;
    copy.setAttribute('data-loupe-generated', '');
    document.head.append(copy);
  }
  document.title = doc.title || 'Loupe preview';
  for (const attr of Array.from(doc.documentElement.attributes)) document.documentElement.setAttribute(attr.name, attr.value);
  const body = document.importNode(doc.body, true);
  // Generated scripts do not run: innerHTML-style import leaves them inert, by design.
  body.querySelectorAll('script').forEach((s) => s.remove());
  document.body.replaceWith(body);
}

// In the panel's frame the panel is the parent; popped out into its own tab, the panel is the opener.
const host: Window | null = parent !== window ? parent : (opener as Window | null);

addEventListener('message', (event: MessageEvent) => {
  if (!host || event.source !== host) return;
  const data = event.data as { type?: string; html?: unknown };
  if (data?.type === 'loupe-preview-render' && typeof data.html === 'string') {
    render(data.html);
    // Tailwind compiles on the next mutation tick; tell the panel once it has painted.
    requestAnimationFrame(() => setTimeout(() => host.postMessage({ type: 'loupe-preview-rendered', height: document.documentElement.scrollHeight }, '*'), 50));
  }
});
host?.postMessage({ type: 'loupe-preview-ready' }, '*');
