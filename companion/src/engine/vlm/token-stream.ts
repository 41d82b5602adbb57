/**
 * Turns generated token ids into text deltas. Decoding a growing token list is stable
 * for byte-level BPE except at an incomplete UTF-8 sequence (U+FFFD at the end), which
 * is held back; the cache restarts after each newline (or 64 tokens) to keep decoding cost flat.
 */
export class TokenText {
  private cache: number[] = [];
  private printed = 0;
  text = '';

  constructor(private readonly decode: (ids: number[]) => string) {}

  /** Adds a token and returns the new text it completes ('' when none yet). */
  push(id: number): string {
    this.cache.push(id);
    const decoded = this.decode(this.cache);
    if (decoded.endsWith('\uFFFD')) return '';
    const delta = decoded.slice(this.printed);
    // At a newline, or after a long run of complete characters, later tokens decode on their own.
    if (decoded.endsWith('\n') || this.cache.length >= 64) {
      this.cache = [];
      this.printed = 0;
    } else {
      this.printed = decoded.length;
    }
    this.text += delta;
    return delta;
  }

  /** Whatever is left at the end (an incomplete sequence decodes as U+FFFD then). */
  flush(): string {
    if (this.cache.length === 0) return '';
    const decoded = this.decode(this.cache);
    const delta = decoded.slice(this.printed);
    this.cache = [];
    this.printed = 0;
    this.text += delta;
    return delta;
  }
}
