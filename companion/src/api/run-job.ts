import type { Done, ErrorReply, ServerMessage, Started, SubmitJob, TerminalMessage } from '@loupe/shared';
import { isTerminal } from '@loupe/shared';
import type { JobService, SubmitRequest } from '../queue/job-service';

export interface RunJobHooks {
  onStarted?(message: Started): void;
  onDelta?(text: string): void;
}

export interface RunningJob {
  /** Resolves with the job's one terminal message. */
  result: Promise<TerminalMessage>;
  cancel(): void;
}

/** Submits one job for an HTTP request and collects its messages into one answer. */
export function runJob(service: JobService, clientId: string, job: SubmitJob, images: Uint8Array[], hooks: RunJobHooks = {}, chat?: SubmitRequest['chat']): RunningJob {
  let settle!: (m: TerminalMessage) => void;
  let ended = false;
  const result = new Promise<TerminalMessage>((resolve) => (settle = resolve));
  const sink = {
    congested: false,
    send(message: ServerMessage): void {
      if (ended) return;
      if (message.type === 'started') hooks.onStarted?.(message);
      else if (message.type === 'delta') hooks.onDelta?.(message.text);
      else if (isTerminal(message)) {
        ended = true;
        settle(message);
      }
    },
  };
  try {
    service.submit({ clientId, job, images, ...(chat ? { chat } : {}) }, sink);
  } catch (e) {
    ended = true;
    const err = e as { code?: string; message?: string; hint?: string; toReply?: () => ErrorReply };
    settle(err.toReply ? { ...err.toReply(), id: job.id } : { type: 'error', id: job.id, code: 'internal', message: 'the job could not be submitted' });
  }
  return {
    result,
    cancel: () => {
      if (!ended) service.cancel(clientId, job.id);
    },
  };
}

export type JobOutcome = { ok: true; done: Done } | { ok: false; error: ErrorReply | { code: 'cancelled'; message: string; hint?: string } };

export function outcomeOf(message: TerminalMessage): JobOutcome {
  if (message.type === 'done') return { ok: true, done: message };
  if (message.type === 'error') return { ok: false, error: message };
  return { ok: false, error: { code: 'cancelled', message: 'the job was cancelled' } };
}
