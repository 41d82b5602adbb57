import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ErrorCode } from '@loupe/shared';
import { errorBody, type ErrorStyle } from './error-shapes';

/** HTTP status for each protocol error code. */
export function httpStatusFor(code: ErrorCode | string): number {
  switch (code) {
    case 'bad_request':
    case 'unsupported_version':
      return 400;
    case 'not_found':
      return 404;
    case 'image_too_large':
      return 413;
    case 'unsupported_image':
      return 415;
    case 'busy':
      return 429;
    case 'engine_unavailable':
      return 503;
    case 'engine_crashed':
      return 502;
    default:
      return 500;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** An error in the shape the route's clients read (see error-shapes.ts). */
export function sendError(res: ServerResponse, status: number, code: string, message: string, hint?: string, style: ErrorStyle = 'loupe', param?: string): void {
  sendJson(res, status, errorBody(style, { status, code, message, hint, param }));
}

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
    /** The request field at fault (OpenAI `param`). */
    readonly param?: string,
  ) {
    super(message);
  }
}

/** Reads a request body up to `limit` bytes; over the limit → 413 without buffering the rest. */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new HttpError(413, 'image_too_large', `request body of ${declared} bytes is over the ${limit}-byte limit`, 'Send a smaller image.'));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, 'image_too_large', `request body is over the ${limit}-byte limit`, 'Send a smaller image.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** `anyType`: Ollama's clients (curl -d) often send JSON without a JSON content type. */
export async function readJsonBody(req: IncomingMessage, limit: number, options: { anyType?: boolean } = {}): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  if (!options.anyType && !/^application\/json\b/i.test(type)) {
    throw new HttpError(415, 'bad_request', 'request body must be JSON', 'Send `Content-Type: application/json`.');
  }
  const body = await readBody(req, limit);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'bad_request', 'request body is not valid JSON', 'Send a JSON object.');
  }
}

/** The request path without its query. */
export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
