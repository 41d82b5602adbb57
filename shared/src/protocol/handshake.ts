import { z } from 'zod';

/**
 * WebSocket challenge–response: the companion proves it knows the token before the client
 * sends anything that depends on it (the token, a screenshot), so a process squatting the port
 * while the companion is down learns nothing.
 *
 *   client → upgrade offering `loupe.v1, loupe.challenge.<clientNonce>` (no token)
 *   server → {"type":"auth-challenge","nonce":<serverNonce>,"proof":HMAC(token, server text)}
 *   client   checks the proof; wrong → closes. Right →
 *   client → {"type":"auth","proof":HMAC(token, client text)}, then the usual hello
 *   server   checks the proof within AUTH_DEADLINE_MS, before any other message; wrong → closes
 *
 * Both texts name the port the client dialled, so a squatter cannot relay a real companion that
 * listens on another port; the role prefix keeps a server proof from ever serving as a client one.
 */
export const WS_CHALLENGE_PREFIX = 'loupe.challenge.';
export const AUTH_DEADLINE_MS = 2_000;

const NONCE = /^[0-9a-f]{32}$/;
const PROOF = /^[0-9a-f]{64}$/;

export const AuthChallenge = z.object({ type: z.literal('auth-challenge'), nonce: z.string().regex(NONCE), proof: z.string().regex(PROOF) }).strict();
export type AuthChallenge = z.infer<typeof AuthChallenge>;
export const AuthProof = z.object({ type: z.literal('auth'), proof: z.string().regex(PROOF) }).strict();
export type AuthProof = z.infer<typeof AuthProof>;

export const isNonce = (s: string): boolean => NONCE.test(s);

/** 128 random bits as hex (WebCrypto: the same in a service worker and in Node). */
export function newNonce(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The text each side signs with the token (HMAC-SHA256). */
export function handshakeText(role: 'server' | 'client', port: number, clientNonce: string, serverNonce: string): string {
  return `loupe-ws-${role}|${port}|${clientNonce}|${serverNonce}`;
}

export async function hmacHex(token: string, text: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await globalThis.crypto.subtle.importKey('raw', enc.encode(token), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await globalThis.crypto.subtle.sign('HMAC', key, enc.encode(text)));
  return Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The client's side: given the server's first text message, the `auth` message to send, or
 * null when the peer did not prove it knows the token (a squatter, or a rotated token).
 */
export async function answerChallenge(token: string, port: number, clientNonce: string, firstMessage: unknown): Promise<string | null> {
  if (typeof firstMessage !== 'string') return null;
  let raw: unknown;
  try {
    raw = JSON.parse(firstMessage);
  } catch {
    return null;
  }
  const challenge = AuthChallenge.safeParse(raw);
  if (!challenge.success) return null;
  const { nonce: serverNonce, proof } = challenge.data;
  const expected = await hmacHex(token, handshakeText('server', port, clientNonce, serverNonce));
  if (!sameText(expected, proof)) return null;
  const reply: AuthProof = { type: 'auth', proof: await hmacHex(token, handshakeText('client', port, clientNonce, serverNonce)) };
  return JSON.stringify(reply);
}

function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
