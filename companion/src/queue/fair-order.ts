/**
 * Per-connection fairness for one lane: round-robin across clients, FIFO within a client.
 * Each queued job gets a round: one more than its client's previous job in this lane, and never
 * earlier than the lane's current round. Jobs run in (round, arrival) order, so a client with
 * ten queued jobs cannot starve a client that submits one.
 */
export interface Fair {
  clientId: string;
  /** Rounds are per identity when set (all connections of one client share), else per connection. */
  fairKey?: string;
  round: number;
  seq: number;
}

export class FairOrder<T extends Fair> {
  private readonly items: T[] = [];
  private round = 0;
  private seq = 0;
  private readonly lastRound = new Map<string, number>();

  get length(): number {
    return this.items.length;
  }

  /** Assigns the item's round and arrival number and inserts it in running order. */
  push(item: T): void {
    const key = item.fairKey ?? item.clientId;
    item.round = Math.max(this.round, this.lastRound.get(key) ?? 0) + 1;
    item.seq = ++this.seq;
    this.lastRound.set(key, item.round);
    let at = this.items.length;
    while (at > 0 && before(item, this.items[at - 1]!)) at--;
    this.items.splice(at, 0, item);
  }

  shift(): T | undefined {
    const item = this.items.shift();
    if (item) this.round = Math.max(this.round, item.round - 1);
    if (this.items.length === 0) {
      // Rounds only grow, so entries at or below the lane's round no longer matter.
      for (const [client, round] of this.lastRound) if (round <= this.round) this.lastRound.delete(client);
    }
    return item;
  }

  remove(item: T): boolean {
    const at = this.items.indexOf(item);
    if (at < 0) return false;
    this.items.splice(at, 1);
    return true;
  }

  forgetClient(clientId: string): void {
    this.lastRound.delete(clientId);
  }

  /** Items in running order (index = queue position, 0 runs next). */
  toArray(): readonly T[] {
    return this.items;
  }
}

const before = (a: Fair, b: Fair): boolean => a.round < b.round || (a.round === b.round && a.seq < b.seq);
