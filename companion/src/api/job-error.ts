import type { ServerResponse } from 'node:http';
import type { JobOutcome } from './run-job';
import type { ErrorStyle } from './error-shapes';
import { httpStatusFor, sendError } from './http-io';

/** HTTP status of a failed job (499: the client went away and the job was cancelled). */
export const jobErrorStatus = (outcome: Extract<JobOutcome, { ok: false }>): number => (outcome.error.code === 'cancelled' ? 499 : httpStatusFor(outcome.error.code));

/** Sends a failed job as a 4xx/5xx JSON error that names the fix, in the route's error shape. */
export function sendJobError(res: ServerResponse, outcome: Extract<JobOutcome, { ok: false }>, style: ErrorStyle = 'loupe'): void {
  const { code, message, hint } = outcome.error;
  sendError(res, jobErrorStatus(outcome), code, message, hint, style);
}
