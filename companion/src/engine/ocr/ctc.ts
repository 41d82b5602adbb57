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

/**
 * Greedy CTC decoding: argmax per time step, collapse repeats, drop blanks (class 0).
 * Keeps each character's time-step span, which the spacing step turns into pixel gaps.
 */
export function ctcGreedyDecode(probs: Float32Array, offset: number, steps: number, classes: number, dict: readonly string[]): CtcResult {
  const chars: CtcChar[] = [];
  const spaceClass = dict.lastIndexOf(' ');
  let prev = -1;
  let sum = 0;
  let spaceMax = 0;
  for (let t = 0; t < steps; t++) {
    const base = offset + t * classes;
    let best = 0;
    let bestP = probs[base]!;
    for (let c = 1; c < classes; c++) {
      const p = probs[base + c]!;
      if (p > bestP) {
        bestP = p;
        best = c;
      }
    }
    const pSpace = spaceClass > 0 ? probs[base + spaceClass]! : 0;
    if (pSpace > spaceMax) spaceMax = pSpace;
    if (best !== 0) {
      if (best === prev) {
        const last = chars[chars.length - 1]!;
        last.end = t;
        last.prob = Math.max(last.prob, bestP);
      } else {
        chars.push({ char: dict[best] ?? '', start: t, end: t, prob: bestP, spaceBefore: spaceMax });
      }
      spaceMax = pSpace;
    }
    prev = best;
  }
  for (const c of chars) sum += c.prob;
  return { chars, score: chars.length ? sum / chars.length : 0 };
}
