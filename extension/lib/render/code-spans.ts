/** A hint with `backtick` commands, split so the commands render as code, never raw backticks. */
export type Span = { code: boolean; text: string };

export function codeSpans(text: string): Span[] {
  const spans: Span[] = [];
  const parts = text.split('`');
  // An odd number of backticks leaves the last one unmatched: keep it as text.
  const unmatched = parts.length % 2 === 0;
  parts.forEach((part, i) => {
    const code = i % 2 === 1 && !(unmatched && i === parts.length - 1);
    const value = code || !(unmatched && i === parts.length - 1) ? part : '`' + part;
    if (value) spans.push({ code, text: value });
  });
  return spans;
}

/** The same text for places that cannot hold markup (title attributes, the clipboard). */
export function plainText(text: string): string {
  return codeSpans(text)
    .map((s) => s.text)
    .join('');
}
