import OpenAI from 'openai';
import { ProtocolError } from '@loupe/shared';
import { keyFileHint } from './api-key';

/**
 * Remote failures named by their real cause: the key refused, the server down, a server that
 * is not an OpenAI API, a model that does not take images. Load errors are retryable: the
 * engine host loads again with back-off, so Loupe recovers once the remote is fixed or up.
 */
export class RemoteLoadError extends ProtocolError {
  readonly retryable = true;
  constructor(message: string, hint: string) {
    super('engine_unavailable', message, hint);
  }
}

/** The deepest useful reason in an error's cause chain (fetch wraps ECONNREFUSED twice). */
function cause(error: unknown): string {
  let best = error instanceof Error ? error.message : String(error);
  let e = (error as { cause?: unknown }).cause;
  for (let depth = 0; e && depth < 4; depth++, e = (e as { cause?: unknown }).cause) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code;
    if (typeof message === 'string' && message && message !== 'fetch failed') best = message;
  }
  return best;
}

/** The first line of a remote error body, short: it may be long HTML. */
const remoteSays = (error: InstanceType<typeof OpenAI.APIError>): string => {
  const text = String((error.error as { message?: unknown } | undefined)?.message ?? error.message ?? '').split('\n')[0] ?? '';
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
};

export function loadError(error: unknown, baseUrl: string, o: { keySource: string; keyFile: string }): ProtocolError {
  if (error instanceof ProtocolError) return error;
  if (error instanceof OpenAI.APIConnectionTimeoutError) {
    return new RemoteLoadError(`the remote model server at ${baseUrl} did not answer in time`, 'Check that it is running and that --base-url is right; Loupe keeps retrying.');
  }
  if (error instanceof OpenAI.APIConnectionError) {
    return new RemoteLoadError(`the remote model server at ${baseUrl} is not answering (${cause(error)})`, 'Start it, or check --base-url (it ends in /v1); Loupe keeps retrying and serves as soon as it answers.');
  }
  if (error instanceof OpenAI.APIError) {
    if (error.status === 401 || error.status === 403) return refusedKey(baseUrl, error.status, o);
    if (error.status === 404) return new RemoteLoadError(`${baseUrl} does not look like an OpenAI-compatible API (GET /models answered 404)`, 'Check --base-url: it usually ends in /v1.');
    return new RemoteLoadError(`the remote model server at ${baseUrl} answered HTTP ${error.status} to GET /models: ${remoteSays(error)}`, 'See the remote server\'s logs; Loupe keeps retrying.');
  }
  return new RemoteLoadError(`could not reach the remote model server at ${baseUrl}: ${cause(error)}`, 'Check --base-url; Loupe keeps retrying.');
}

function refusedKey(baseUrl: string, status: number, o: { keySource: string; keyFile: string }): ProtocolError {
  const message = o.keySource === 'none'
    ? `the remote model server at ${baseUrl} needs an API key (HTTP ${status}) and none is set`
    : `the remote model server at ${baseUrl} refused the API key from ${o.keySource} (HTTP ${status})`;
  return new RemoteLoadError(message, keyFileHint(o.keyFile));
}

/** A failure while answering a job. */
export function runError(error: unknown, baseUrl: string, model: string, o: { keySource: string; keyFile: string; sentImages: boolean }): ProtocolError {
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProtocolError('engine_unavailable', `the remote model server at ${baseUrl} is not answering (${cause(error)})`, 'Check that it is still running.');
  }
  if (error instanceof OpenAI.APIError) {
    const says = remoteSays(error);
    if (error.status === 401 || error.status === 403) {
      const e = refusedKey(baseUrl, error.status, o);
      return new ProtocolError('engine_unavailable', e.message, e.hint);
    }
    if (o.sentImages && (error.status === 400 || error.status === 422 || error.status === 500) && /image|vision|multimodal|multi-modal|modalit/i.test(says)) {
      return new ProtocolError('engine_unavailable', `the remote model "${model}" does not accept images (HTTP ${error.status}: ${says})`, 'Serve a vision model (e.g. Qwen2.5-VL) on the remote server, or pick one with --model.');
    }
    if (error.status === 404) return new ProtocolError('engine_unavailable', `the remote server no longer serves "${model}" (HTTP 404: ${says})`, 'Load the model on the remote server again, or restart Loupe with --model.');
    if (error.status === 400 || error.status === 413 || error.status === 422) return new ProtocolError('bad_request', `the remote model server refused the request (HTTP ${error.status}: ${says})`, 'See the remote server\'s logs.');
    if (error.status === 429) return new ProtocolError('busy', `the remote model server is busy (HTTP 429: ${says})`, 'Try again in a moment.');
    return new ProtocolError('engine_unavailable', `the remote model server answered HTTP ${error.status}: ${says}`, 'See the remote server\'s logs.');
  }
  return new ProtocolError('internal', `remote request failed: ${cause(error)}`);
}
