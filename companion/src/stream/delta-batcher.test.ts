import type { ServerMessage } from '@loupe/shared';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DeltaBatcher } from './delta-batcher';

function sink() {
  const sent: ServerMessage[] = [];
  return { sent, congested: false, send: (m: ServerMessage) => void sent.push(m) };
}

describe('DeltaBatcher', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('sends the first delta at once and coalesces the rest into one message per interval', () => {
    const s = sink();
    const b = new DeltaBatcher(s, 'j', 30, () => Date.now());
    b.push('a');
    expect(s.sent).toEqual([{ type: 'delta', id: 'j', text: 'a' }]);
    b.push('b');
    b.push('c');
    expect(s.sent).toHaveLength(1);
    vi.advanceTimersByTime(29);
    expect(s.sent).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(s.sent[1]).toEqual({ type: 'delta', id: 'j', text: 'bc' });
  });

  it('flushes pending text before the terminal message, even when congested', () => {
    const s = sink();
    const b = new DeltaBatcher(s, 'j', 30, () => Date.now());
    b.push('a');
    s.congested = true;
    b.push('b');
    b.finish();
    expect(s.sent.map((m) => (m as { text: string }).text)).toEqual(['a', 'b']);
    b.push('late');
    vi.advanceTimersByTime(100);
    expect(s.sent).toHaveLength(2);
  });

  it('keeps coalescing while the sink is congested and never drops text', () => {
    const s = sink();
    const b = new DeltaBatcher(s, 'j', 30, () => Date.now());
    s.congested = true;
    for (let i = 0; i < 50; i++) {
      b.push(`${i},`);
      vi.advanceTimersByTime(10);
    }
    expect(s.sent).toHaveLength(0);
    s.congested = false;
    vi.advanceTimersByTime(30);
    expect(s.sent).toHaveLength(1);
    expect((s.sent[0] as { text: string }).text).toBe(Array.from({ length: 50 }, (_, i) => `${i},`).join(''));
  });

  it('never sends two deltas closer than the interval', () => {
    const s = sink();
    const times: number[] = [];
    const b = new DeltaBatcher({ get congested() { return false; }, send: (m) => { s.sent.push(m); times.push(Date.now()); } }, 'j', 30, () => Date.now());
    for (let i = 0; i < 100; i++) {
      b.push('x');
      vi.advanceTimersByTime(7);
    }
    b.finish();
    const gaps = times.slice(1, -1).map((t, i) => t - times[i]!);
    expect(gaps.every((g) => g >= 30)).toBe(true);
    expect(s.sent.map((m) => (m as { text: string }).text).join('')).toBe('x'.repeat(100));
  });

  it('discard drops pending text and sends nothing more', () => {
    const s = sink();
    const b = new DeltaBatcher(s, 'j', 30, () => Date.now());
    b.push('a');
    b.push('b');
    b.discard();
    vi.advanceTimersByTime(100);
    expect(s.sent).toHaveLength(1);
  });
});
