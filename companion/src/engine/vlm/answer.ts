import type { FinishReason } from '@loupe/shared';
import type { EngineStats } from '../engine';
import type { LoopMeter } from './decode-loop';
import { guardOptionsFor, RepetitionGuard } from './repetition-guard';
import { StopStrings } from './stop-strings';
import { TokenText } from './token-stream';

export interface AnswerOptions {
  task: string;
  maxTokens: number;
  eos: ReadonlySet<number>;
  stop: readonly string[];
  /** The bench's fixed-length decode: no EOS, stop string or repetition ends the answer. */
  ignoreEos: boolean;
  decode: (ids: number[]) => string;
  /** Structured output: the JSON grammar ends the answer, so no stop string or repetition guard may cut it. */
  structured?: boolean;
}

/** Turns generated ids into text deltas and decides when the answer ends, and why. */
export class Answer {
  readonly tokens: number[] = [];
  finishReason: FinishReason = 'length';
  private readonly text: TokenText;
  private readonly stops: StopStrings;
  private readonly guard: RepetitionGuard;

  constructor(private readonly o: AnswerOptions) {
    this.text = new TokenText(o.decode);
    this.stops = new StopStrings(o.ignoreEos || o.structured ? [] : o.stop);
    this.guard = new RepetitionGuard(guardOptionsFor(o.task));
  }

  /** Adds one token: the text it completes, and whether the answer is over. */
  push(id: number): { delta: string; done: boolean } {
    this.tokens.push(id);
    if (this.o.eos.has(id) && !this.o.ignoreEos) return this.end('stop', '');
    const delta = this.stops.push(this.text.push(id));
    if (this.stops.stopped) return this.end('stop', delta);
    if (this.guard.push(id) && !this.o.ignoreEos && !this.o.structured) return this.end('repetition', delta);
    return { delta, done: this.tokens.length >= this.o.maxTokens };
  }

  /** Text held back until the end (an incomplete character, a possible stop string's start). */
  flush(): string {
    return this.stops.push(this.text.flush()) + this.stops.flush();
  }

  /** The answer as shown: everything before a stop string. */
  get shown(): string {
    return this.stops.text;
  }

  private end(reason: FinishReason, delta: string): { delta: string; done: boolean } {
    this.finishReason = reason;
    return { delta, done: true };
  }
}

export function statsOf(meter: LoopMeter, jobStart: number, preprocessMs: number, decodeTokens: number, visualTokens: number, device: string, dtype: string): EngineStats {
  const decodeSpan = meter.firstTokenAt !== undefined && meter.lastTokenAt !== undefined ? (meter.lastTokenAt - meter.firstTokenAt) / 1000 : 0;
  return {
    preprocessMs: round(preprocessMs),
    visionEncodeMs: round(meter.visionEncodeMs),
    prefillMs: round(meter.prefillMs),
    ...(meter.firstTokenAt !== undefined ? { ttftMs: round(meter.firstTokenAt - jobStart + preprocessMs) } : {}),
    decodeTokens,
    tokensPerSecond: decodeTokens > 1 && decodeSpan > 0 ? round((decodeTokens - 1) / decodeSpan) : 0,
    visualTokens,
    promptTokens: meter.promptTokens,
    ...(meter.firstStepMs !== undefined ? { firstStepMs: round(meter.firstStepMs) } : {}),
    ...(meter.steps > 0 ? { decodeStepMs: round(meter.stepWallMs / meter.steps, 100), stepOutsideRunMs: round((meter.stepWallMs - meter.stepRunMs) / meter.steps, 100) } : {}),
    device,
    dtype,
  };
}

const round = (v: number, scale = 10) => Math.round(v * scale) / scale;
