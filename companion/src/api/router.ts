import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context';
import { handleChatCompletions } from './chat-completions';
import { handleDescribe } from './describe';
import { HttpError, sendError, sendJson } from './http-io';
import { handleModels } from './models';
import { handleOcr } from './ocr';

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: ApiContext) => void | Promise<void>;

/** Routes by method and exact path. GETs never change state. */
const health: Handler = (_req, res, ctx) => sendJson(res, 200, { status: 'ok', version: ctx.version });
const routes: Record<string, Partial<Record<string, Handler>>> = {
  // HEAD: uptime monitors probe with it (Node sends the headers without the body).
  '/health': { GET: health, HEAD: health },
  '/v1/status': { GET: (_req, res, ctx) => sendJson(res, 200, ctx.status()) },
  '/v1/models': { GET: handleModels },
  '/v1/ocr': { POST: handleOcr },
  '/v1/describe': { POST: handleDescribe },
  '/describe-image/': { POST: handleDescribe },
  '/describe-image': { POST: handleDescribe },
  '/v1/chat/completions': { POST: handleChatCompletions },
};

/** For logs: a known route's path, else a placeholder (paths are client input). */
export const routeLabel = (path: string): string => (path in routes || path === '/v1/ws' ? path : '(other)');

export const PUBLIC_ROUTES = new Set(['GET /health', 'HEAD /health']);

export function pathOf(req: IncomingMessage): string {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export async function handleApi(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const path = pathOf(req);
  const byMethod = routes[path];
  if (!byMethod) return sendError(res, 404, 'not_found', 'no such route', 'See the HTTP API in the README: /health, /v1/status, /v1/ocr, /v1/describe, /v1/chat/completions, /v1/models.');
  const handler = byMethod[req.method ?? ''];
  if (!handler) {
    res.setHeader('allow', Object.keys(byMethod).join(', '));
    return sendError(res, 405, 'bad_request', 'method not allowed on this route', `Use ${Object.keys(byMethod).join(' or ')}.`);
  }
  try {
    await handler(req, res, ctx);
  } catch (e) {
    if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message, e.hint);
    const code = (e as { code?: unknown }).code;
    ctx.log.error({ err: { name: (e as Error).name, code }, route: path }, 'request failed');
    sendError(res, 500, 'internal', 'internal error', 'See the companion log; this is a bug.');
  }
}
