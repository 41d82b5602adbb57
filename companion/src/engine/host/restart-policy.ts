export interface RestartOptions {
  maxCrashes?: number;
  windowMs?: number;
  baseDelayMs?: number;
  reloadBaseMs?: number;
  maxReloadDelayMs?: number;
}

/**
 * When a supervised engine host comes back: after a crash with exponential back-off, giving up
 * after more than `maxCrashes` within `windowMs`; after a retryable load error (a remote server
 * not up yet) after 1 s, 2 s, … up to 30 s.
 */
export class RestartPolicy {
  private crashes: number[] = [];
  /** Load attempts in a row that failed with a retryable error (back-off exponent). */
  private loadRetries = 0;

  constructor(private readonly o: RestartOptions = {}) {}

  /** Counts a crash; the delay before the next start, or undefined when the host crashed too often (the reason in words). */
  afterCrash(counted: boolean): { delayMs: number } | { gaveUp: string } {
    const windowMs = this.o.windowMs ?? 60_000;
    if (counted) this.crashes.push(Date.now());
    this.crashes = this.crashes.filter((t) => Date.now() - t < windowMs);
    if (this.crashes.length > (this.o.maxCrashes ?? 5)) {
      return { gaveUp: `the engine process crashed ${this.crashes.length} times within ${Math.round(windowMs / 1000)} s; restart Loupe or run \`loupe doctor\`` };
    }
    return { delayMs: (this.o.baseDelayMs ?? 250) * 2 ** Math.max(0, this.crashes.length - 1) };
  }

  /** The delay before the next load after a retryable load error. */
  afterLoadError(): number {
    const delay = Math.min((this.o.reloadBaseMs ?? 1000) * 2 ** this.loadRetries, this.o.maxReloadDelayMs ?? 30_000);
    this.loadRetries++;
    return delay;
  }

  loaded(): void {
    this.loadRetries = 0;
  }
}
