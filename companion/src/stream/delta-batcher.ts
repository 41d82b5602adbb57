import { DELTA_FLUSH_MS } from '@loupe/shared';
import type { JobSink } from '../queue/job-service';

/**
 * Coalesces one job's engine deltas into `delta` messages at most every DELTA_FLUSH_MS.
 * The first text after a quiet spell goes out at once (time to first token); while the sink is
 * congested text keeps accumulating (never dropped) and goes out when it drains.
 */
export class DeltaBatcher {
  private pending = '';
  private lastFlush = -Infinity;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly sink: JobSink,
    private readonly jobId: string,
    private readonly intervalMs = DELTA_FLUSH_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(text: string): void {
    if (this.closed || !text) return;
    this.pending += text;
    if (this.timer) return;
    const wait = this.lastFlush + this.intervalMs - this.now();
    if (wait <= 0 && !this.sink.congested) this.flushNow();
    else this.schedule(Math.max(wait, 1));
  }

  /** Sends whatever is pending regardless of congestion: called right before the terminal message. */
  finish(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending) this.flushNow();
    this.closed = true;
  }

  /** Drops pending text without sending it (the job was cancelled: the client asked to stop). */
  discard(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = '';
    this.closed = true;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (this.closed || !this.pending) return;
      if (this.sink.congested) this.schedule(this.intervalMs);
      else this.flushNow();
    }, ms);
  }

  private flushNow(): void {
    const text = this.pending;
    this.pending = '';
    this.lastFlush = this.now();
    this.sink.send({ type: 'delta', id: this.jobId, text });
  }
}
