import type { z } from 'zod';
import type { ErrorCode } from './constants';
import type { ErrorReply } from './server-messages';

/** An error that becomes an `error` reply: code, human message, and the fix. */
export class ProtocolError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly hint?: string,
    readonly jobId?: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }

  static fromZod(error: z.ZodError, raw: unknown): ProtocolError {
    const issue = error.issues[0];
    const path = issue?.path.length ? issue.path.join('.') : 'message';
    const id = typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : undefined;
    const safeId = id && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
    // Never echo client-chosen keys back (zod's unrecognized_keys message quotes them).
    const what = issue?.code === 'unrecognized_keys' ? `${issue.keys.length} unknown field(s)` : (issue?.message ?? 'does not match the protocol');
    return new ProtocolError('bad_request', `invalid ${path}: ${what}`, 'See the protocol schema in @loupe/shared (shared/src/protocol).', safeId);
  }

  toReply(): ErrorReply {
    return {
      type: 'error',
      ...(this.jobId ? { id: this.jobId } : {}),
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
    };
  }
}
