import { randomInt } from 'node:crypto';
import type { Sampling } from '@loupe/shared';

/**
 * Picks the next token from one step's logits, in place: no copy of the vocabulary-sized
 * row per step. Greedy (argmax) unless a temperature > 0 is asked for; then temperature,
 * top-k and top-p (in that order, as Hugging Face applies them) and a seeded draw.
 */

/** May change logits in place (e.g. set -Infinity on tokens a JSON grammar forbids). */
export type LogitsProcessor = (logits: Float32Array, generated: readonly number[]) => void;

/** Index of the largest logit (the first one on ties); NaN never wins. */
export function argmax(logits: Float32Array): number {
  let best = 0;
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}

/** mulberry32: a small, fast 32-bit PRNG; the same seed gives the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Scaled logits this far below the best carry < e^-40 of its weight each: left out of the sums. */
const NEGLIGIBLE = -40;
/** First candidate cut for top-p (e^-14 ≈ 1e-6 of the best token's weight); widened when too tight. */
const NUCLEUS_CUT = -14;

export class Sampler {
  private readonly temperature: number;
  private readonly topK: number | undefined;
  private readonly topP: number;
  private readonly random: () => number;
  /** Scratch reused every step, grown once to the vocabulary size at most. */
  private ids = new Int32Array(0);
  private scores = new Float32Array(0);

  constructor(
    sampling: Sampling | undefined,
    private readonly processors: readonly LogitsProcessor[] = [],
  ) {
    this.temperature = sampling?.temperature ?? 0;
    this.topK = sampling?.topK;
    this.topP = sampling?.topP ?? 1;
    this.random = seededRandom(sampling?.seed ?? randomInt(0, 2 ** 32));
  }

  get greedy(): boolean {
    return this.temperature <= 0;
  }

  pick(logits: Float32Array, generated: readonly number[]): number {
    for (const process of this.processors) process(logits, generated);
    return this.greedy ? argmax(logits) : this.sample(logits);
  }

  private sample(logits: Float32Array): number {
    const inv = 1 / this.temperature;
    const best = logits[argmax(logits)]!;
    if (best === -Infinity) return argmax(logits);
    let count: number;
    let total: number;
    if (this.topK !== undefined && this.topK < logits.length) {
      count = this.topKInto(logits, this.topK);
      total = 0;
      for (let i = 0; i < count; i++) total += Math.exp((this.scores[i]! - best) * inv);
    } else {
      total = 0;
      for (let i = 0; i < logits.length; i++) {
        const s = (logits[i]! - best) * inv;
        if (s > NEGLIGIBLE) total += Math.exp(s);
      }
      count = this.nucleusCandidates(logits, best, inv, total);
    }
    if (this.topP < 1) {
      this.sortCandidates(count);
      // The smallest prefix (by probability) whose mass reaches topP; at least one token.
      let mass = 0;
      let kept = 0;
      while (kept < count) {
        mass += Math.exp((this.scores[kept]! - best) * inv) / total;
        kept++;
        if (mass >= this.topP) break;
      }
      count = kept;
    }
    return this.draw(count, best, inv);
  }

  /** Candidates for top-p: every token above a cut, widened until their mass reaches topP. */
  private nucleusCandidates(logits: Float32Array, best: number, inv: number, total: number): number {
    const cuts = this.topP < 1 ? [NUCLEUS_CUT, NEGLIGIBLE, -Infinity] : [NEGLIGIBLE];
    let count = 0;
    for (const cut of cuts) {
      this.ensure(logits.length);
      count = 0;
      let mass = 0;
      for (let i = 0; i < logits.length; i++) {
        const s = (logits[i]! - best) * inv;
        if (s >= cut && s > -Infinity) {
          this.ids[count] = i;
          this.scores[count++] = logits[i]!;
          mass += s > NEGLIGIBLE ? Math.exp(s) : 0;
        }
      }
      // Every token left out is less likely than every candidate: if the candidates already hold
      // topP of the mass, the nucleus lies inside them exactly.
      if (mass / total >= this.topP) break;
    }
    return count;
  }

  /** The k largest logits into ids/scores (unordered), with a min-heap on the scores. */
  private topKInto(logits: Float32Array, k: number): number {
    this.ensure(k);
    const ids = this.ids;
    const scores = this.scores;
    let size = 0;
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i]!;
      if (v === -Infinity || Number.isNaN(v)) continue;
      if (size < k) {
        // sift up
        let c = size++;
        while (c > 0) {
          const p = (c - 1) >> 1;
          if (scores[p]! <= v) break;
          scores[c] = scores[p]!;
          ids[c] = ids[p]!;
          c = p;
        }
        scores[c] = v;
        ids[c] = i;
      } else if (v > scores[0]!) {
        // replace the root, sift down
        let c = 0;
        for (;;) {
          const l = 2 * c + 1;
          if (l >= size) break;
          const r = l + 1;
          const m = r < size && scores[r]! < scores[l]! ? r : l;
          if (scores[m]! >= v) break;
          scores[c] = scores[m]!;
          ids[c] = ids[m]!;
          c = m;
        }
        scores[c] = v;
        ids[c] = i;
      }
    }
    return size;
  }

  /** Orders the first n candidates by score, best first (ties: lower id first). */
  private sortCandidates(n: number): void {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => this.scores[b]! - this.scores[a]! || this.ids[a]! - this.ids[b]!);
    const ids = order.map((i) => this.ids[i]!);
    const scores = order.map((i) => this.scores[i]!);
    this.ids.set(ids);
    this.scores.set(scores);
  }

  private draw(count: number, best: number, inv: number): number {
    let total = 0;
    for (let i = 0; i < count; i++) total += Math.exp((this.scores[i]! - best) * inv);
    let u = this.random() * total;
    for (let i = 0; i < count; i++) {
      u -= Math.exp((this.scores[i]! - best) * inv);
      if (u < 0) return this.ids[i]!;
    }
    return this.ids[count - 1]!;
  }

  private ensure(n: number): void {
    if (this.ids.length >= n) return;
    this.ids = new Int32Array(n);
    this.scores = new Float32Array(n);
  }
}
