/**
 * Pulls the HTML document out of a "to code" answer: the last ```html fence, else any
 * fence that looks like markup, else the text from <!DOCTYPE / <html on. While the
 * answer is still streaming an unclosed fence counts too.
 */
export function extractHtml(text: string): string | null {
  const fence = /```([\w-]*)[^\n]*\n([\s\S]*?)(?:```|$)/g;
  let best: string | null = null;
  let any: string | null = null;
  for (let m = fence.exec(text); m; m = fence.exec(text)) {
    const lang = (m[1] ?? '').toLowerCase();
    const body = (m[2] ?? '').trim();
    if (!body) continue;
    if (lang === 'html' || lang === 'xml') best = body;
    else if (/<(html|body|div|section|header|main|!doctype)[\s>]/i.test(body)) any = body;
  }
  if (best ?? any) return best ?? any;
  const start = text.search(/<!doctype html|<html[\s>]/i);
  if (start >= 0) return text.slice(start).trim();
  if (/^\s*<(div|section|header|main|body|nav)[\s>]/i.test(text)) return text.trim();
  return null;
}

/** Removes remote Tailwind/CDN scripts: the preview is offline and bundles Tailwind itself. */
export function stripRemoteScripts(html: string): string {
  return html.replace(/<script\b[^>]*\bsrc\s*=\s*["']?https?:[^>]*>\s*<\/script>/gi, '');
}
