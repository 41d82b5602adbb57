/** One decoded character with the time steps (columns of the recogniser's output) it spans. */
export interface CtcChar {
  char: string;
  /** First and last time step where this character was the argmax. */
  start: number;
  end: number;
  prob: number;
  /** Highest probability of the space class between the previous character and this one. */
  spaceBefore: number;
}

export interface CtcResult {
  chars: CtcChar[];
  /** Mean probability of the emitted characters (0 when none). */
  score: number;
}

/** Per time step of a batch: the argmax class, its probability, and the space class's probability. */
export interface CtcSteps {
  best: Int32Array;
  bestProb: Float32Array;
  spaceProb: Float32Array;
}

/**
 * Greedy CTC decoding: argmax per time step, collapse repeats, drop blanks (class 0).
 * Keeps each character's time-step span, which the spacing step turns into pixel gaps.
 * The argmax is computed in the model graph (see ctc-outputs.ts).
 */
export function ctcGreedyDecode(out: CtcSteps, offset: number, steps: number, dict: readonly string[]): CtcResult {
  const chars: CtcChar[] = [];
  let prev = -1;
  let sum = 0;
  let spaceMax = 0;
  for (let t = offset; t < offset + steps; t++) {
    const best = out.best[t]!;
    const bestP = out.bestProb[t]!;
    const pSpace = out.spaceProb[t]!;
    if (pSpace > spaceMax) spaceMax = pSpace;
    if (best !== 0) {
      if (best === prev) {
        const last = chars[chars.length - 1]!;
        last.end = t - offset;
        last.prob = Math.max(last.prob, bestP);
      } else {
        chars.push({ char: dict[best] ?? '', start: t - offset, end: t - offset, prob: bestP, spaceBefore: spaceMax });
      }
      spaceMax = pSpace;
    }
    prev = best;
  }
  for (const c of chars) sum += c.prob;
  return { chars, score: chars.length ? sum / chars.length : 0 };
}
