import { describe, expect, it } from 'vitest';
import { argmax, Sampler, seededRandom } from './sampler';

const VOCAB = 151936;
/** Logits whose softmax (at temperature 1) is exactly `probs` on the first tokens, ~0 elsewhere. */
function logitsFor(probs: number[], vocab = 16): Float32Array {
  const l = new Float32Array(vocab).fill(-1e4);
  probs.forEach((p, i) => (l[i] = Math.log(p)));
  return l;
}
function histogram(sampler: Sampler, logits: Float32Array, draws: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < draws; i++) {
    const id = sampler.pick(logits.slice(), []);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return counts;
}

describe('argmax', () => {
  it('finds the largest logit anywhere, the first on ties, and ignores NaN', () => {
    for (const at of [0, 1, 2, 3, 4, 150_000, VOCAB - 2, VOCAB - 1]) {
      const l = new Float32Array(VOCAB).map((_, i) => Math.sin(i));
      l[at] = 5;
      expect(argmax(l)).toBe(at);
    }
    expect(argmax(Float32Array.of(1, 3, 3, 2, 3))).toBe(1);
    expect(argmax(Float32Array.of(NaN, -2, NaN, -1, -5))).toBe(3);
    expect(argmax(Float32Array.of(-Infinity, -Infinity))).toBe(0);
  });
});

describe('Sampler', () => {
  it('is greedy without a temperature (or at 0), whatever top-k / top-p say', () => {
    const l = logitsFor([0.2, 0.5, 0.3]);
    expect(new Sampler(undefined).pick(l.slice(), [])).toBe(1);
    expect(new Sampler({ temperature: 0, topK: 3, topP: 0.5, seed: 1 }).pick(l.slice(), [])).toBe(1);
    expect(new Sampler({ topK: 2 }).greedy).toBe(true);
  });

  it('draws the same tokens for the same seed, and others for another seed', () => {
    const l = new Float32Array(VOCAB).map((_, i) => Math.sin(i * 0.37) * 4);
    const run = (seed: number) => {
      const s = new Sampler({ temperature: 1, seed, topK: 40 });
      return Array.from({ length: 30 }, () => s.pick(l.slice(), []));
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
    expect(seededRandom(3)()).toBe(seededRandom(3)());
  });

  it('top-k keeps only the k most likely tokens, in proportion', () => {
    const l = logitsFor([0.4, 0.3, 0.2, 0.1]);
    const counts = histogram(new Sampler({ temperature: 1, topK: 2, seed: 11 }), l, 4000);
    expect([...counts.keys()].sort()).toEqual([0, 1]);
    // renormalised over the two: 0.4/0.7 ≈ 0.571
    expect(counts.get(0)! / 4000).toBeGreaterThan(0.53);
    expect(counts.get(0)! / 4000).toBeLessThan(0.61);
    expect(histogram(new Sampler({ temperature: 1, topK: 1, seed: 2 }), l, 200)).toEqual(new Map([[0, 200]]));
  });

  it('top-p keeps the smallest most-likely set reaching p (at least one token)', () => {
    const l = logitsFor([0.5, 0.3, 0.15, 0.05]);
    expect([...histogram(new Sampler({ temperature: 1, topP: 0.75, seed: 3 }), l, 2000).keys()].sort()).toEqual([0, 1]);
    expect([...histogram(new Sampler({ temperature: 1, topP: 0.9, seed: 4 }), l, 2000).keys()].sort()).toEqual([0, 1, 2]);
    expect([...histogram(new Sampler({ temperature: 1, topP: 0.01, seed: 5 }), l, 500).keys()]).toEqual([0]);
  });

  it('top-p over a full vocabulary with a long tail draws only from the nucleus', () => {
    const l = new Float32Array(VOCAB).map((_, i) => -3 + Math.sin(i) * 0.5);
    for (const [id, v] of [[10, 12], [20_000, 11.5], [150_000, 11]] as const) l[id] = v;
    const counts = histogram(new Sampler({ temperature: 1, topP: 0.6, seed: 9 }), l, 100);
    for (const id of counts.keys()) expect([10, 20_000, 150_000]).toContain(id);
    expect(counts.get(10)).toBeGreaterThan(0);
  });

  it('temperature sharpens and flattens the distribution', () => {
    const l = logitsFor([0.6, 0.4]);
    const share = (t: number) => histogram(new Sampler({ temperature: t, seed: 6 }), l, 3000).get(0)! / 3000;
    const cold = share(0.25);
    const warm = share(1);
    const hot = share(2);
    expect(warm).toBeGreaterThan(0.56);
    expect(warm).toBeLessThan(0.64);
    expect(cold).toBeGreaterThan(0.75);
    expect(hot).toBeLessThan(warm);
  });

  it('runs the logits processors first: a masked token is never chosen, and they see the tokens so far', () => {
    const seen: number[][] = [];
    const ban = (logits: Float32Array, generated: readonly number[]) => {
      seen.push([...generated]);
      logits[1] = -Infinity;
    };
    const l = logitsFor([0.2, 0.5, 0.3]);
    expect(new Sampler(undefined, [ban]).pick(l.slice(), [4, 5])).toBe(2);
    expect(seen).toEqual([[4, 5]]);
    const counts = histogram(new Sampler({ temperature: 1.5, seed: 1 }, [ban]), l, 500);
    expect(counts.has(1)).toBe(false);
  });
});
