import WebSocket from 'ws';
import { WS_AUTH_PREFIX, WS_CHALLENGE_PREFIX, WS_PATH, WS_SUBPROTOCOL } from '@loupe/shared';

export interface SocketOptions {
  /** The token, sent as the `loupe.auth.<token>` subprotocol (unless `challengeNonce` is given). */
  token?: string;
  /** Challenge–response instead: offer `loupe.challenge.<nonce>` and never send the token (see connection.ts). */
  challengeNonce?: string;
  /** Replace the offered subprotocols altogether (tests of the handshake). */
  protocols?: string[];
  origin?: string;
  headers?: Record<string, string>;
  perMessageDeflate?: boolean;
  /** Connect to this host instead of 127.0.0.1 (e.g. a LAN address). */
  host?: string;
  handshakeTimeoutMs?: number;
}

/** The subprotocols a Node client offers: loupe.v1, plus the token or a challenge nonce. */
export function wsProtocols(token?: string, challengeNonce?: string): string[] {
  if (challengeNonce !== undefined) return [WS_SUBPROTOCOL, `${WS_CHALLENGE_PREFIX}${challengeNonce}`];
  return token === undefined ? [WS_SUBPROTOCOL] : [WS_SUBPROTOCOL, `${WS_AUTH_PREFIX}${token}`];
}

/** A WebSocket to a companion's /v1/ws, not yet open. */
export function openSocket(port: number, options: SocketOptions = {}): WebSocket {
  const url = `ws://${options.host ?? '127.0.0.1'}:${port}${WS_PATH}`;
  return new WebSocket(url, options.protocols ?? wsProtocols(options.token, options.challengeNonce), {
    origin: options.origin,
    headers: options.headers,
    perMessageDeflate: options.perMessageDeflate ?? false,
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
  });
}
