import type { ServerMessage, SubmitJob, TerminalMessage } from '@loupe/shared';
import type { Logger } from '../log/logger';
import { DeltaBatcher } from '../stream/delta-batcher';
import type { ConversationTurn } from '../engine/engine';
import type { Conversation } from './conversations';
import type { Fair } from './fair-order';
import type { JobSink } from './job-service';

export type JobState = 'intake' | 'queued' | 'running' | 'finished';

/**
 * One accepted job and its sink. The only way to end it is finish(), which sends exactly one
 * terminal message and silences everything after it: the "exactly one terminal" guarantee
 * lives here, not in each caller.
 */
export class JobRecord implements Fair {
  state: JobState = 'intake';
  round = 0;
  seq = 0;
  lane?: string;
  images: Uint8Array[];
  conversation?: Conversation;
  /** The chat API request's own conversation (SubmitRequest.chat). */
  chat?: { system?: string; history: ConversationTurn[]; model?: string; newImages?: number };
  /** A follow-up that added these many images to its conversation (they are its last images). */
  newImages?: number;
  readonly submittedAt = performance.now();
  startedAt?: number;
  /** Lowest position told to the client: positions only go down. */
  lastPosition = Infinity;
  /** The client identity (fair queue rounds and the identity job cap). */
  fairKey?: string;
  /** Stops the job on the engine host once it runs. */
  cancelRunning?: () => void;
  private readonly batcher: DeltaBatcher;

  constructor(
    readonly clientId: string,
    readonly job: SubmitJob,
    images: Uint8Array[],
    private readonly sink: JobSink,
    private readonly log: Logger,
    private readonly onFinished: (record: JobRecord) => void,
  ) {
    this.images = images;
    const safe: JobSink = { get congested() { return sink.congested; }, send: (m) => this.deliver(m) };
    this.batcher = new DeltaBatcher(safe, job.id);
  }

  get id(): string {
    return this.job.id;
  }

  get finished(): boolean {
    return this.state === 'finished';
  }

  /** Sends a non-terminal message (queued, started); ignored once the job has ended. */
  send(message: Exclude<ServerMessage, TerminalMessage>): void {
    if (this.finished) return;
    this.deliver(message);
  }

  delta(text: string): void {
    if (!this.finished) this.batcher.push(text);
  }

  /** Ends the job with its one terminal message; returns false (and sends nothing) if it had ended. */
  finish(message: TerminalMessage): boolean {
    if (this.finished) return false;
    if (message.type === 'cancelled') this.batcher.discard();
    else this.batcher.finish();
    this.state = 'finished';
    this.deliver(message);
    this.images = [];
    this.onFinished(this);
    return true;
  }

  private deliver(message: ServerMessage): void {
    try {
      this.sink.send(message);
    } catch (error) {
      this.log.warn({ jobId: this.id, err: (error as Error).message }, 'job sink refused a message');
    }
  }
}
