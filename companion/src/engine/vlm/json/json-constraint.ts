import type { LogitsProcessor } from '../sampler';
import { canEnd, charsBeforeClose, feed, freeStringRoom, initialState, isComplete, unboundedString, type State } from './json-machine';
import type { SchemaNode } from './schema-node';
import type { TokenBytes } from './token-bytes';

/**
 * Constrained decoding as a logits processor: before each pick, every token whose bytes
 * cannot extend the JSON so far (for this schema) is set to -Infinity; once the value is
 * complete only the end-of-answer token is left. In the last quarter of the token budget
 * every open value closes as soon as it may, so the answer is complete before max tokens.
 */
export interface ConstraintOptions {
  node: SchemaNode;
  tokens: TokenBytes;
  /** The id that ends the answer (e.g. <|im_end|>). */
  eos: number;
  maxTokens: number;
}

export interface MaskCost {
  steps: number;
  totalMs: number;
  maxMs: number;
}

export class JsonConstraint {
  private state: State;
  private fed = 0;
  private allowed = new Uint8Array(0);
  private readonly inString = new WeakMap<State, { ids: Int32Array; chars: Uint16Array }>();
  readonly cost: MaskCost = { steps: 0, totalMs: 0, maxMs: 0 };
  private readonly pressureAt: number;

  constructor(private readonly o: ConstraintOptions) {
    this.state = initialState(o.node);
    this.pressureAt = o.maxTokens - Math.max(8, Math.floor(o.maxTokens / 4));
  }

  get processor(): LogitsProcessor {
    return (logits, generated) => this.mask(logits, generated);
  }

  /** Whether the JSON value is complete (what was generated parses). */
  get complete(): boolean {
    return isComplete(this.state) || canEnd(this.state);
  }

  mask(logits: Float32Array, generated: readonly number[]): void {
    const start = performance.now();
    const pressure = generated.length >= this.pressureAt;
    // Each token is walked under the pressure it was picked with.
    for (; this.fed < generated.length; this.fed++) this.advance(generated[this.fed]!, this.fed >= this.pressureAt);
    if (this.allowed.length !== logits.length) this.allowed = new Uint8Array(logits.length);
    const allowed = this.allowed;
    allowed.fill(0);
    if (!isComplete(this.state)) this.allowTokens(allowed, pressure);
    if (canEnd(this.state) && this.o.eos < allowed.length) allowed[this.o.eos] = 1;
    for (let i = 0; i < logits.length; i++) if (allowed[i] === 0) logits[i] = -Infinity;
    const ms = performance.now() - start;
    this.cost.steps++;
    this.cost.totalMs += ms;
    if (ms > this.cost.maxMs) this.cost.maxMs = ms;
  }

  private advance(id: number, pressure: boolean): void {
    if (id === this.o.eos) return;
    const bytes = this.o.tokens.bytes[id];
    const next = bytes ? this.walk(this.state, bytes, 0, pressure) : null;
    // Only masked-in tokens are picked, so this means a processor ran after this one.
    if (!next) throw new Error('constrained decoding: a token outside the JSON grammar was picked (another logits processor changed the choice)');
    this.state = next;
  }

  private walk(s: State | null, bytes: Uint8Array, from: number, pressure: boolean): State | null {
    for (let i = from; i < bytes.length && s; i++) s = feed(s, bytes[i]!, pressure);
    return s;
  }

  private allowTokens(allowed: Uint8Array, pressure: boolean): void {
    const { tokens } = this.o;
    const room = freeStringRoom(this.state, pressure);
    if (room >= 0) {
      // Inside a free string: ordinary text tokens need no walk, only their length checked.
      const { pure, pureChars } = tokens;
      for (let k = 0; k < pure.length; k++) if (pureChars[k]! <= room) allowed[pure[k]!] = 1;
      // Which impure tokens fit depends on what encloses the string (the same State object
      // for the whole string) and, per token, on the characters it adds: walked once per string.
      const unbounded = unboundedString(this.state);
      if (!unbounded) {
        this.allowBuckets(allowed, this.state, tokens.impureByFirst, pressure);
        return;
      }
      let fits = this.inString.get(this.state.up!);
      if (!fits) {
        const ids = this.allowBuckets(new Uint8Array(allowed.length), unbounded, tokens.impureByFirst, pressure);
        fits = { ids: Int32Array.from(ids), chars: Uint16Array.from(ids, (id) => charsBeforeClose(tokens.bytes[id]!)) };
        this.inString.set(this.state.up!, fits);
      }
      for (let k = 0; k < fits.ids.length; k++) if (fits.chars[k]! <= room) allowed[fits.ids[k]!] = 1;
      return;
    }
    // Elsewhere few first bytes fit: a whole bucket of tokens is skipped on its first byte.
    this.allowBuckets(allowed, this.state, tokens.byFirst, pressure);
  }

  private allowBuckets(allowed: Uint8Array, from: State, buckets: number[][], pressure: boolean): number[] {
    const { bytes } = this.o.tokens;
    const found: number[] = [];
    for (let b = 0; b < 256; b++) {
      if (buckets[b]!.length === 0) continue;
      const after = feed(from, b, pressure);
      if (!after) continue;
      for (const id of buckets[b]!) {
        if (id < allowed.length && this.walk(after, bytes[id]!, 1, pressure)) {
          allowed[id] = 1;
          found.push(id);
        }
      }
    }
    return found;
  }
}
