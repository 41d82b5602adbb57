/**
 * Detects an n-gram loop while tokens stream (a known Qwen-VL failure on dense
 * OCR): the tail of the output repeats a period of p tokens over and over.
 * For each period p it keeps the length of the current run where
 * token[i] === token[i - p]; O(maxPeriod) per token.
 */
export interface RepetitionGuardOptions {
  /** Longest repeated unit, in tokens. */
  maxPeriod?: number;
  /** The repeated tail must span at least this many tokens ... */
  minSpan?: number;
  /** ... and contain at least this many copies of the unit. */
  minRepeats?: number;
}

/** Generated UI code legitimately repeats blocks (a grid of identical cards): it gets more room. */
export function guardOptionsFor(task: string): RepetitionGuardOptions {
  return task === 'code' ? { minSpan: 600, minRepeats: 12 } : {};
}

export class RepetitionGuard {
  private readonly tokens: number[] = [];
  private readonly runs: number[];
  private readonly maxPeriod: number;
  private readonly minSpan: number;
  private readonly minRepeats: number;
  /** Period of the detected loop, once tripped. */
  period: number | undefined;

  constructor(options: RepetitionGuardOptions = {}) {
    this.maxPeriod = options.maxPeriod ?? 200;
    this.minSpan = options.minSpan ?? 200;
    this.minRepeats = options.minRepeats ?? 8;
    this.runs = new Array<number>(this.maxPeriod + 1).fill(0);
  }

  /** Adds one token; true when the output is looping. */
  push(token: number): boolean {
    const tokens = this.tokens;
    tokens.push(token);
    const n = tokens.length - 1;
    let tripped = false;
    for (let p = 1; p <= this.maxPeriod && p <= n; p++) {
      const run = tokens[n] === tokens[n - p] ? (this.runs[p] ?? 0) + 1 : 0;
      this.runs[p] = run;
      // run positions repeat the p tokens before them: the looping tail is run + p tokens long.
      const span = run + p;
      if (!tripped && span >= this.minSpan && span >= p * this.minRepeats) {
        tripped = true;
        this.period ??= p;
      }
    }
    return tripped;
  }

  get length(): number {
    return this.tokens.length;
  }
}
