import { answerChallenge, newNonce, WS_CHALLENGE_PREFIX, WS_SUBPROTOCOL } from '@loupe/shared';

/**
 * The link's authentication step (protocol: shared/src/protocol/handshake.ts). The token never
 * travels: the upgrade offers only a fresh nonce, and the link answers only a peer that proved it
 * holds the token — so whatever squats the port while the companion is down gets neither the
 * token nor a screenshot.
 */
export class ChallengeAuth {
  private readonly nonce = newNonce();

  constructor(
    private readonly token: string,
    private readonly port: number,
  ) {}

  /** Subprotocols for the upgrade: `loupe.v1` and the challenge, never the token. */
  protocols(): string[] {
    return [WS_SUBPROTOCOL, WS_CHALLENGE_PREFIX + this.nonce];
  }

  /** The `auth` message to send back, or null: the peer is not the paired companion (close the socket). */
  answer(firstMessage: unknown): Promise<string | null> {
    return answerChallenge(this.token, this.port, this.nonce, firstMessage);
  }
}
