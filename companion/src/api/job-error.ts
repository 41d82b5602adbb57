import type { ServerResponse } from 'node:http';
import type { JobOutcome } from './run-job';
import { httpStatusFor, sendError } from './http-io';

/** Sends a failed job as a 4xx/5xx JSON error that names the fix. */
export function sendJobError(res: ServerResponse, outcome: Extract<JobOutcome, { ok: false }>): void {
  const { code, message, hint } = outcome.error;
  const status = code === 'cancelled' ? 499 : httpStatusFor(code);
  sendError(res, status, code, message, hint);
}
