import { ErrorCode, ProtocolError } from '@loupe/shared';
import type { WireError } from './messages';

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'AbortError' || (error as { code?: unknown }).code === 'ABORT_ERR');
}

/** An engine failure as it crosses the process boundary: ProtocolErrors keep their code and hint. */
export function toWireError(error: unknown, context: string): WireError {
  if (error instanceof ProtocolError) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
  const e = error as { code?: unknown; message?: unknown; hint?: unknown } | null;
  if (e && typeof e.code === 'string' && ErrorCode.safeParse(e.code).success && typeof e.message === 'string') {
    return { code: e.code as ErrorCode, message: e.message, ...(typeof e.hint === 'string' ? { hint: e.hint } : {}) };
  }
  const why = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: `${context}: ${why}`.slice(0, 500) };
}
