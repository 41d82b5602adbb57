import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff';

describe('Backoff', () => {
  it('doubles from the base delay up to the cap (no jitter at random 0.5)', () => {
    const b = new Backoff({ baseMs: 500, maxMs: 8_000, random: () => 0.5 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it('applies at most ±20 % jitter and never exceeds the cap', () => {
    const low = new Backoff({ baseMs: 1000, maxMs: 30_000, random: () => 0 });
    const high = new Backoff({ baseMs: 1000, maxMs: 30_000, random: () => 0.999999 });
    expect(low.next()).toBe(800);
    expect(high.next()).toBe(1200);
    for (let i = 0; i < 20; i++) expect(high.next()).toBeLessThanOrEqual(30_000);
  });

  it('starts over after reset', () => {
    const b = new Backoff({ baseMs: 100, random: () => 0.5 });
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(100);
    expect(b.attempts).toBe(1);
  });
});
