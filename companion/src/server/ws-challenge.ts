import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Duplex } from 'node:stream';
import type WebSocket from 'ws';
import { AUTH_DEADLINE_MS, AuthProof, handshakeText } from '@loupe/shared';
import type { AuthChallenge } from '@loupe/shared';

/** Bytes a client may send before it has authenticated: one `auth` message, with room to spare. */
const PRE_AUTH_BYTES = 4 * 1024;

export interface ChallengeOptions {
  token: () => string;
  /** The port this server listens on (the one the client dialled). */
  port: number;
  clientNonce: string;
  deadlineMs?: number;
}

const hmac = (token: string, text: string): Buffer => createHmac('sha256', token).update(text).digest();

/**
 * The server's half of the challenge–response (shared/src/protocol/handshake.ts): sends its
 * proof, then waits for the client's. Calls `onAuthenticated` synchronously from the `auth`
 * message's event, so the next frame (the hello) already reaches the connection handler.
 * A wrong or late proof, any other message first, or more than a few KiB before it closes the socket.
 */
export function runChallenge(ws: WebSocket, socket: Duplex, o: ChallengeOptions, onAuthenticated: () => void): void {
  const token = o.token();
  const serverNonce = randomBytes(16).toString('hex');
  const challenge: AuthChallenge = {
    type: 'auth-challenge',
    nonce: serverNonce,
    proof: hmac(token, handshakeText('server', o.port, o.clientNonce, serverNonce)).toString('hex'),
  };
  const expected = hmac(token, handshakeText('client', o.port, o.clientNonce, serverNonce));

  let received = 0;
  const countBytes = (chunk: Buffer): void => {
    received += chunk.length;
    if (received > PRE_AUTH_BYTES) fail('too much data before authentication');
  };
  const timer = setTimeout(() => fail('no authentication in time'), o.deadlineMs ?? AUTH_DEADLINE_MS);
  const done = (): void => {
    clearTimeout(timer);
    socket.off('data', countBytes);
    ws.off('message', onMessage);
  };
  function fail(reason: string): void {
    done();
    ws.close(1008, reason);
    setTimeout(() => ws.terminate(), 500).unref();
  }
  function onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) return fail('authenticate before sending anything else');
    const text = (Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8');
    let proof: Buffer | undefined;
    try {
      const parsed = AuthProof.safeParse(JSON.parse(text));
      if (parsed.success) proof = Buffer.from(parsed.data.proof, 'hex');
    } catch {
      /* not JSON: refused below */
    }
    if (!proof || proof.length !== expected.length || !timingSafeEqual(proof, expected)) return fail('authentication failed');
    done();
    onAuthenticated();
  }

  socket.on('data', countBytes);
  ws.on('message', onMessage);
  ws.send(JSON.stringify(challenge));
}
