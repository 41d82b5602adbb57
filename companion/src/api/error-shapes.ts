/**
 * One error, four dialects: each client family reads errors in its own shape, so the route
 * decides. Loupe's own routes: `{error:{code,message,hint,type}}`; OpenAI routes: OpenAI's
 * `{error:{message,type,param,code}}` with OpenAI's types; the FastAPI-style folder route:
 * `{detail}`; Ollama routes: `{error:"…"}` (ollama-js shows a non-string as `[object Object]`).
 */
export type ErrorStyle = 'loupe' | 'openai' | 'fastapi' | 'ollama';

export interface ErrorFields {
  status: number;
  code: string;
  message: string;
  hint?: string | undefined;
  /** The request field at fault (OpenAI `param`). */
  param?: string | undefined;
}

export function errorStyleFor(path: string): ErrorStyle {
  if (path === '/describe-image/' || path === '/describe-image') return 'fastapi';
  if (path.startsWith('/api/')) return 'ollama';
  if (path === '/v1/chat/completions' || path === '/v1/models' || path.startsWith('/v1/models/')) return 'openai';
  return 'loupe';
}

/** OpenAI's error `type` for a status (the SDKs pick their error class by status; `type` is what people read). */
export function openAiErrorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/** Message and fix in one line: clients of foreign APIs show only the message. */
const oneLine = (e: ErrorFields): string => (e.hint ? `${e.message} — ${e.hint}` : e.message);

export function errorBody(style: ErrorStyle, e: ErrorFields): unknown {
  switch (style) {
    case 'openai':
      return { error: { message: oneLine(e), type: openAiErrorType(e.status), param: e.param ?? null, code: e.code, ...(e.hint ? { hint: e.hint } : {}) } };
    case 'fastapi':
      return { detail: oneLine(e) };
    case 'ollama':
      return { error: oneLine(e) };
    case 'loupe':
      return { error: { code: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}), type: e.code } };
  }
}
