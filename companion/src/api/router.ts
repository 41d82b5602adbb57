import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiContext } from './context';
import { handleChatCompletions } from './chat-completions';
import { handleDescribe } from './describe';
import { errorStyleFor } from './error-shapes';
import { HttpError, pathOf, sendError, sendJson } from './http-io';
import { handleModel, handleModels } from './models';
import { handleOcr } from './ocr';
import { handleOllamaChat, handleOllamaGenerate, handleOllamaShow, handleOllamaTags, handleOllamaVersion } from './ollama/ollama-routes';

type Handler = (req: IncomingMessage, res: ServerResponse, ctx: ApiContext) => void | Promise<void>;

/** Routes by method and exact path (plus /v1/models/{id}). GETs never change state. */
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
  '/api/version': { GET: handleOllamaVersion },
  '/api/tags': { GET: handleOllamaTags },
  '/api/show': { POST: handleOllamaShow },
  '/api/chat': { POST: handleOllamaChat },
  '/api/generate': { POST: handleOllamaGenerate },
};

const MODEL_PREFIX = '/v1/models/';

function lookup(path: string): Partial<Record<string, Handler>> | undefined {
  const exact = routes[path];
  if (exact) return exact;
  if (path.startsWith(MODEL_PREFIX) && path.length > MODEL_PREFIX.length) {
    let id: string;
    try {
      id = decodeURIComponent(path.slice(MODEL_PREFIX.length));
    } catch {
      return undefined;
    }
    return { GET: (req, res, ctx) => handleModel(req, res, ctx, id) };
  }
  return undefined;
}

/** For logs: a known route's path, else a placeholder (paths are client input). */
export const routeLabel = (path: string): string => (path in routes || path === '/v1/ws' ? path : path.startsWith(MODEL_PREFIX) ? `${MODEL_PREFIX}{id}` : '(other)');

export const PUBLIC_ROUTES = new Set(['GET /health', 'HEAD /health']);

export { pathOf } from './http-io';

export async function handleApi(req: IncomingMessage, res: ServerResponse, ctx: ApiContext): Promise<void> {
  const path = pathOf(req);
  const style = errorStyleFor(path);
  const byMethod = lookup(path);
  if (!byMethod) {
    return sendError(res, 404, 'not_found', 'no such route', 'See the HTTP API in the README: /health, /v1/status, /v1/ocr, /v1/describe, /describe-image/, /v1/chat/completions, /v1/models, /api/* (Ollama).', style);
  }
  const handler = byMethod[req.method ?? ''];
  if (!handler) {
    res.setHeader('allow', Object.keys(byMethod).join(', '));
    return sendError(res, 405, 'bad_request', 'method not allowed on this route', `Use ${Object.keys(byMethod).join(' or ')}.`, style);
  }
  try {
    await handler(req, res, ctx);
  } catch (e) {
    if (e instanceof HttpError) return sendError(res, e.status, e.code, e.message, e.hint, style, e.param);
    const code = (e as { code?: unknown }).code;
    ctx.log.error({ err: { name: (e as Error).name, code }, route: routeLabel(path) }, 'request failed');
    sendError(res, 500, 'internal', 'internal error', 'See the companion log; this is a bug.', style);
  }
}
