import { randomInt } from 'node:crypto';
import type { Sampling } from '@loupe/shared';

/**
 * Picks the next token from one step's logits, in place: no copy of the vocabulary-sized
 * row per step. Greedy (argmax) unless a temperature > 0 is asked for; then temperature,
 * top-k and top-p (in that order, as Hugging Face applies them) and a seeded draw.
 */

/** May change logits in place (e.g. set -Infinity on tokens a JSON grammar forbids). */
export type LogitsProcessor = (logits: Float32Array, generated: readonly number[]) => void;

/** Index of the largest logit (the first one on ties); NaN never wins. Four running maxima, then one indexOf: ~2.6× a plain scan. */
export function argmax(logits: Float32Array): number {
  let m0 = -Infinity;
  let m1 = -Infinity;
  let m2 = -Infinity;
  let m3 = -Infinity;
  const n = logits.length & ~3;
  let i = 0;
  for (; i < n; i += 4) {
    const v0 = logits[i]!;
    const v1 = logits[i + 1]!;
    const v2 = logits[i + 2]!;
    const v3 = logits[i + 3]!;
    if (v0 > m0) m0 = v0;
    if (v1 > m1) m1 = v1;
    if (v2 > m2) m2 = v2;
    if (v3 > m3) m3 = v3;
  }
  let max = Math.max(m0, m1, m2, m3);
  for (; i < logits.length; i++) if (logits[i]! > max) max = logits[i]!;
  return Math.max(0, logits.indexOf(max));
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

/** Scaled logits this far below the best carry < e^-40 of its weight each: left out. */
const NEGLIGIBLE = -40;
/** Weight (relative to the best token's 1) above which candidates are sorted first for top-p. */
const LIKELY = 1e-6;

export class Sampler {
  private readonly temperature: number;
  private readonly topK: number | undefined;
  private readonly topP: number;
  private readonly random: () => number;
  /** Scratch reused every step, grown once to the vocabulary size at most: candidate ids and weights. */
  private ids = new Int32Array(0);
  private weights = new Float32Array(0);
  private sorted = new Float32Array(0);

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
    if (!(best > -Infinity)) return argmax(logits);
    let count = 0;
    if (this.topK !== undefined && this.topK < logits.length) {
      count = this.topKInto(logits, this.topK);
      for (let i = 0; i < count; i++) this.weights[i] = Math.exp((this.weights[i]! - best) * inv);
    } else {
      this.ensure(logits.length);
      for (let i = 0; i < logits.length; i++) {
        const s = (logits[i]! - best) * inv;
        if (s > NEGLIGIBLE) {
          this.ids[count] = i;
          this.weights[count++] = Math.exp(s);
        }
      }
    }
    if (this.topP < 1) count = this.nucleus(count);
    return this.draw(count);
  }

  /**
   * Keeps the smallest set of most likely candidates whose mass reaches topP (at least one).
   * Only its weight threshold is needed, not an order: a native sort of a copy of the weights.
   */
  private nucleus(count: number): number {
    if (count <= 1) return count;
    let total = 0;
    let likelyMass = 0;
    for (let i = 0; i < count; i++) {
      const w = this.weights[i]!;
      total += w;
      if (w >= LIKELY) {
        likelyMass += w;
      }
    }
    const goal = this.topP * total;
    // Every token left out is less likely than every one kept: if the likely ones already hold
    // topP of the mass, the nucleus lies among them and only they need sorting.
    const cut = likelyMass >= goal ? LIKELY : 0;
    if (this.sorted.length < count) this.sorted = new Float32Array(this.weights.length);
    let n = 0;
    for (let i = 0; i < count; i++) if (this.weights[i]! >= cut) this.sorted[n++] = this.weights[i]!;
    const sorted = this.sorted.subarray(0, n);
    sorted.sort();
    let mass = 0;
    let threshold = sorted[n - 1]!;
    for (let i = n - 1; i >= 0; i--) {
      mass += sorted[i]!;
      threshold = sorted[i]!;
      if (mass >= goal) break;
    }
    let kept = 0;
    for (let i = 0; i < count; i++) {
      if (this.weights[i]! >= threshold) {
        this.ids[kept] = this.ids[i]!;
        this.weights[kept++] = this.weights[i]!;
      }
    }
    return kept;
  }

  /** The k largest logits into ids/weights (unordered), with a min-heap. */
  private topKInto(logits: Float32Array, k: number): number {
    this.ensure(k);
    const ids = this.ids;
    const scores = this.weights;
    let size = 0;
    for (let i = 0; i < logits.length; i++) {
      const v = logits[i]!;
      if (!(v > -Infinity)) continue;
      if (size < k) {
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

  private draw(count: number): number {
    let total = 0;
    for (let i = 0; i < count; i++) total += this.weights[i]!;
    let u = this.random() * total;
    for (let i = 0; i < count; i++) {
      u -= this.weights[i]!;
      if (u < 0) return this.ids[i]!;
    }
    return this.ids[count - 1]!;
  }

  private ensure(n: number): void {
    if (this.ids.length >= n) return;
    this.ids = new Int32Array(n);
    this.weights = new Float32Array(n);
  }
}
