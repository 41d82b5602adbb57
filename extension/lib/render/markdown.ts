import DOMPurify from 'dompurify';
import { linkifyTimestamps } from '../video/timestamps';
import { Marked } from 'marked';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';

hljs.registerLanguage('bash', bash);
hljs.registerLanguage('css', css);
hljs.registerLanguage('javascript', javascript);
hljs.registerLanguage('json', json);
hljs.registerLanguage('python', python);
hljs.registerLanguage('typescript', typescript);
hljs.registerLanguage('xml', xml);
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['js', 'jsx'], { languageName: 'javascript' });
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['sh', 'shell'], { languageName: 'bash' });
hljs.registerAliases(['py'], { languageName: 'python' });

const marked = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }) {
      const language = (lang ?? '').split(/\s/)[0]?.toLowerCase() ?? '';
      const body = language && hljs.getLanguage(language) ? hljs.highlight(text, { language }).value : escapeHtml(text);
      return `<pre><code class="hljs${language ? ` language-${escapeHtml(language)}` : ''}">${body}</code></pre>`;
    },
  },
});

/** Media that would fetch by itself; images become links instead, the rest is dropped. */
const FORBID_TAGS = ['style', 'form', 'input', 'button', 'iframe', 'video', 'audio', 'source', 'track', 'picture', 'svg', 'math', 'object', 'embed', 'link', 'meta', 'base'];
const FORBID_ATTR = ['style', 'srcset', 'poster', 'background', 'ping', 'formaction'];
const LOCAL_URL = /^(data:image\/(png|jpeg|webp|gif);|blob:)/i;

let hooked = false;
function installHooks(): void {
  if (hooked) return;
  hooked = true;
  DOMPurify.addHook('afterSanitizeAttributes', (node) => {
    const el = node as Element;
    if (el.tagName === 'IMG') {
      // A remote image is a request the model chose (text in a screenshot can steer it): a
      // tracking or exfiltration channel. Show it as a link the user may open instead.
      const src = el.getAttribute('src') ?? '';
      if (LOCAL_URL.test(src)) return;
      const link = el.ownerDocument.createElement('a');
      if (/^https?:/i.test(src)) link.setAttribute('href', src);
      link.textContent = `[${el.getAttribute('alt') || 'image'}${/^https?:/i.test(src) ? `: ${src}` : ''}]`;
      link.setAttribute('data-remote-image', '');
      el.replaceWith(link);
      decorateLink(link);
      return;
    }
    if (el.tagName === 'A') decorateLink(el);
  });
}

function decorateLink(a: Element): void {
  if (!a.hasAttribute('href')) return;
  a.setAttribute('target', '_blank');
  a.setAttribute('rel', 'noopener noreferrer');
  a.setAttribute('referrerpolicy', 'no-referrer');
}

/**
 * Model output → safe HTML. The text comes from a model that read an arbitrary page, so
 * everything goes through DOMPurify (no scripts, handlers, forms, iframes or media, and remote
 * images only as links; the pages' CSP `img-src 'self' data: blob:` backs this up).
 * An unclosed code fence while streaming renders as code so far.
 */
export function renderMarkdown(text: string, options: { seekLinks?: { maxSeconds?: number } } = {}): string {
  installHooks();
  const fences = (text.match(/^```/gm) ?? []).length;
  const src = fences % 2 === 1 ? `${text}\n\`\`\`` : text;
  const html = marked.parse(src, { async: false });
  if (!options.seekLinks) return DOMPurify.sanitize(html, { FORBID_TAGS, FORBID_ATTR, ADD_ATTR: ['target'] });
  // An answer about a video: its timestamps become seek links, added to the sanitized tree (never parsed from text).
  const fragment = DOMPurify.sanitize(html, { FORBID_TAGS, FORBID_ATTR, ADD_ATTR: ['target'], RETURN_DOM_FRAGMENT: true });
  const holder = document.createElement('div');
  holder.append(fragment);
  linkifyTimestamps(holder, options.seekLinks.maxSeconds);
  return holder.innerHTML;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
