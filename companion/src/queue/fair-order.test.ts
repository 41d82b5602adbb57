import { describe, expect, it } from 'vitest';
import { FairOrder, type Fair } from './fair-order';

const job = (clientId: string, name: string): Fair & { name: string } => ({ clientId, name, round: 0, seq: 0 });

describe('FairOrder', () => {
  it('is FIFO for one client', () => {
    const q = new FairOrder<ReturnType<typeof job>>();
    for (const n of ['a1', 'a2', 'a3']) q.push(job('A', n));
    expect(q.toArray().map((j) => j.name)).toEqual(['a1', 'a2', 'a3']);
  });

  it('round-robins across clients; a newcomer does not wait behind a backlog', () => {
    const q = new FairOrder<ReturnType<typeof job>>();
    for (const n of ['a1', 'a2', 'a3', 'a4']) q.push(job('A', n));
    q.push(job('B', 'b1'));
    q.push(job('B', 'b2'));
    expect(q.toArray().map((j) => j.name)).toEqual(['a1', 'b1', 'a2', 'b2', 'a3', 'a4']);
    expect(q.shift()?.name).toBe('a1');
    expect(q.shift()?.name).toBe('b1');
    // C has not been served yet: it goes ahead of clients that already had a turn.
    q.push(job('C', 'c1'));
    expect(q.toArray().map((j) => j.name)).toEqual(['c1', 'a2', 'b2', 'a3', 'a4']);
    q.push(job('C', 'c2'));
    expect(q.toArray().map((j) => j.name)).toEqual(['c1', 'a2', 'b2', 'c2', 'a3', 'a4']);
  });

  it('puts the client that was just served after the others when the queue was empty', () => {
    const q = new FairOrder<ReturnType<typeof job>>();
    q.push(job('A', 'a1'));
    expect(q.shift()?.name).toBe('a1');
    q.push(job('A', 'a2'));
    q.push(job('B', 'b1'));
    expect(q.toArray().map((j) => j.name)).toEqual(['b1', 'a2']);
  });

  it('removes a job and keeps the rest in order', () => {
    const q = new FairOrder<ReturnType<typeof job>>();
    const items = ['a1', 'a2', 'a3'].map((n) => job('A', n));
    for (const i of items) q.push(i);
    expect(q.remove(items[1]!)).toBe(true);
    expect(q.remove(items[1]!)).toBe(false);
    expect(q.toArray().map((j) => j.name)).toEqual(['a1', 'a3']);
  });
});
