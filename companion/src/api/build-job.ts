import { Locale, ProtocolError, SubmitJob, type SubmitJobInput } from '@loupe/shared';
import { HttpError } from './http-io';

/** Validates a job built from HTTP input with the same schema the WebSocket uses. */
export function buildJob(input: SubmitJobInput): SubmitJob {
  const parsed = SubmitJob.safeParse(input);
  if (!parsed.success) {
    const err = ProtocolError.fromZod(parsed.error, input);
    throw new HttpError(400, 'bad_request', err.message, 'Check the request fields against the HTTP API in the README.');
  }
  return parsed.data;
}

export function parseLocale(value: string | undefined): Locale {
  if (value === undefined || value === '') return 'en';
  const parsed = Locale.safeParse(value);
  if (!parsed.success) throw new HttpError(400, 'bad_request', 'unknown locale', 'Use `locale=en` or `locale=zh-CN`.');
  return parsed.data;
}
