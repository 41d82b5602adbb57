/**
 * Makes generated markup inert before the preview shows it: no scripts, no `on*` handlers, no
 * `<meta http-equiv>` (refresh = navigation), no `javascript:` URLs, no <base>, no nested frames
 * or plugins. The sandbox's CSP (`script-src 'self'`) already refuses inline script; this keeps a
 * generated page from even trying, and from navigating the frame away.
 */
const DROPPED = 'script, meta[http-equiv], base, iframe, frame, frameset, object, embed, portal';
const URL_ATTRS = ['href', 'src', 'action', 'formaction', 'xlink:href', 'srcdoc'];

export function neutraliseDocument(doc: Document): Document {
  doc.querySelectorAll(DROPPED).forEach((n) => n.remove());
  for (const el of Array.from(doc.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) el.removeAttribute(attr.name);
      else if (name === 'srcdoc') el.removeAttribute(attr.name);
      else if (URL_ATTRS.includes(name) && /^\s*(javascript|vbscript|data:text\/html)/i.test(attr.value)) el.removeAttribute(attr.name);
    }
  }
  return doc;
}

/** Messages on the preview's MessageChannel port. */
export type PreviewRequest = { type: 'render'; html: string };
export type PreviewReply = { type: 'rendered'; height: number };
/** The one message the preview sends its parent: the port, to the extension's own origin. */
export const PREVIEW_PORT_MESSAGE = 'loupe-preview-port';
