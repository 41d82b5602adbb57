// Renders generated HTML in a sandboxed page: a unique origin with no extension APIs, no
// network and no inline script (the manifest's sandbox CSP: `script-src 'self'`), and Tailwind
// compiled in the browser from the bundled @tailwindcss/browser so utility classes work offline.
// The panel talks to this page only over the MessageChannel port it sends up once at start; the
// panel replaces the whole frame before each render, so nothing rendered here outlives its answer.
import '@tailwindcss/browser';
import { neutraliseDocument, PREVIEW_PORT_MESSAGE, type PreviewReply, type PreviewRequest } from '../../lib/render/preview-markup';

function render(html: string): void {
  const doc = neutraliseDocument(new DOMParser().parseFromString(html, 'text/html'));
  document.head.querySelectorAll('[data-loupe-generated]').forEach((n) => n.remove());
  const styles = [...Array.from(doc.head.querySelectorAll('style, link[rel="stylesheet"]')), ...Array.from(doc.body.querySelectorAll('style'))];
  for (const node of styles) {
    const copy = document.importNode(node, true) as Element;
    copy.setAttribute('data-loupe-generated', '');
    document.head.append(copy);
  }
  document.title = doc.title || 'Loupe preview';
  for (const attr of Array.from(doc.documentElement.attributes)) document.documentElement.setAttribute(attr.name, attr.value);
  document.body.replaceWith(document.importNode(doc.body, true));
}

// A link or a form in generated markup must not take the frame to another page.
addEventListener('click', (e) => {
  if ((e.target as Element | null)?.closest?.('a[href], area[href]')) e.preventDefault();
}, true);
addEventListener('submit', (e) => e.preventDefault(), true);

const channel = new MessageChannel();
let rendered = false;
channel.port1.onmessage = (event: MessageEvent<PreviewRequest>) => {
  const data = event.data;
  if (rendered || data?.type !== 'render' || typeof data.html !== 'string') return;
  rendered = true; // one render per frame: the panel resets the frame for the next one
  render(data.html);
  // Tailwind compiles on the next mutation tick; tell the panel once it has painted.
  requestAnimationFrame(() => setTimeout(() => channel.port1.postMessage({ type: 'rendered', height: document.documentElement.scrollHeight } satisfies PreviewReply), 50));
};
// In the panel's frame the panel is the parent; popped out into its own tab, the panel is the opener.
const host: Window | null = parent !== window ? parent : (opener as Window | null);
// To the extension's own origin (this page's URL), never '*': a sandboxed page's own origin is opaque.
host?.postMessage({ type: PREVIEW_PORT_MESSAGE }, new URL(location.href).origin, [channel.port2]);
