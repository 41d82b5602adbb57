/**
 * Ends an answer before the first stop string, which is never shown: text that could still
 * become the start of a stop string is held back until the next delta settles it.
 */
export class StopStrings {
  private all = '';
  private emitted = 0;
  private readonly longest: number;
  stopped = false;

  constructor(private readonly stops: readonly string[] = []) {
    this.longest = Math.max(0, ...stops.map((s) => s.length));
  }

  /** The answer so far without what is held back (after a stop: the answer up to it). */
  get text(): string {
    return this.all.slice(0, this.emitted);
  }

  /** Adds decoded text; returns the part that may be shown now. */
  push(delta: string): string {
    if (this.stopped || !delta) return '';
    if (this.stops.length === 0) {
      this.all += delta;
      this.emitted = this.all.length;
      return delta;
    }
    const from = Math.max(0, this.emitted - this.longest + 1);
    this.all += delta;
    let at = -1;
    for (const stop of this.stops) {
      const i = this.all.indexOf(stop, from);
      if (i >= 0 && (at < 0 || i < at)) at = i;
    }
    if (at >= 0) {
      this.stopped = true;
      return this.advance(at);
    }
    return this.advance(this.all.length - this.heldBack());
  }

  /** At the end of generation: whatever was held back is shown after all. */
  flush(): string {
    return this.stopped ? '' : this.advance(this.all.length);
  }

  /** Length of the longest tail that is a proper prefix of some stop string. */
  private heldBack(): number {
    for (let n = Math.min(this.longest - 1, this.all.length); n > 0; n--) {
      const tail = this.all.slice(this.all.length - n);
      if (this.stops.some((s) => s.startsWith(tail))) return n;
    }
    return 0;
  }

  private advance(to: number): string {
    const out = this.all.slice(this.emitted, to);
    this.emitted = Math.max(this.emitted, to);
    return out;
  }
}
