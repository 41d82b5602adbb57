import type { IncomingMessage } from 'node:http';
import { isNonce, WS_AUTH_PREFIX, WS_CHALLENGE_PREFIX } from '@loupe/shared';
import { isAllowedHost } from './host-check';
import type { OriginPolicy } from './allowed-origins';
import type { TokenSource } from './token';

export type AuthResult =
  | { ok: true }
  | { ok: false; status: 403 | 401; code: 'forbidden_host' | 'forbidden_origin' | 'unauthorized'; message: string; hint: string };

export interface AuthContext {
  port: number;
  origins: OriginPolicy;
  token: TokenSource;
}

/** Host, then Origin (when present), then — unless the route is public — the token. */
export function authorize(req: IncomingMessage, ctx: AuthContext, opts: { requireToken: boolean; presentedToken?: string }): AuthResult {
  if (!isAllowedHost(req.headers.host, ctx.port)) {
    return { ok: false, status: 403, code: 'forbidden_host', message: 'Host header is not an allowed loopback name', hint: `Connect to http://127.0.0.1:${ctx.port}.` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !ctx.origins.allows(origin)) {
    return { ok: false, status: 403, code: 'forbidden_origin', message: 'this Origin may not use the Loupe companion', hint: 'Only the Loupe extension may connect from a browser; in Firefox, pair it with `loupe pair`.' };
  }
  if (opts.requireToken && !ctx.token.matches(opts.presentedToken)) {
    return { ok: false, status: 401, code: 'unauthorized', message: 'missing or wrong token', hint: 'Send `Authorization: Bearer <token>`; print the token with `loupe token`.' };
  }
  return { ok: true };
}

export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Subprotocols offered in `Sec-WebSocket-Protocol` (comma separated). */
export function offeredSubprotocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header.split(',').map((p) => p.trim()).filter(Boolean);
}

export function subprotocolToken(req: IncomingMessage): string | undefined {
  const entry = offeredSubprotocols(req).find((p) => p.startsWith(WS_AUTH_PREFIX));
  return entry?.slice(WS_AUTH_PREFIX.length);
}

/** The client nonce of a challenge–response upgrade (`loupe.challenge.<32 hex>`), if well formed. */
export function challengeNonce(req: IncomingMessage): string | undefined {
  const entry = offeredSubprotocols(req).find((p) => p.startsWith(WS_CHALLENGE_PREFIX));
  const nonce = entry?.slice(WS_CHALLENGE_PREFIX.length);
  return nonce !== undefined && isNonce(nonce) ? nonce : undefined;
}
