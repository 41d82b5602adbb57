import type WebSocket from 'ws';
import {
  answerChallenge,
  cancelMessage,
  helloMessage,
  isTerminal,
  newNonce,
  parseServerMessage,
  ProtocolError,
  submitFrame,
  type ClientHello,
  type ServerMessage,
  type SubmitFields,
  type TerminalMessage,
} from '@loupe/shared';
import { openSocket, type SocketOptions } from './socket';

export interface ConnectOptions extends Omit<SocketOptions, 'challengeNonce'> {
  /**
   * How the client proves it holds the token: `challenge` (the default with a token) answers the
   * companion's challenge (shared/src/protocol/handshake.ts), so a program squatting the port never
   * sees the token; `subprotocol` sends it in the upgrade (tests of that path).
   */
  auth?: 'challenge' | 'subprotocol';
  /** Who says hello; false = open the socket only (tests of what comes before hello). */
  hello: ClientHello['client'] | false;
  /** How long each step (upgrade, challenge, hello) may take. */
  timeoutMs?: number;
  /** Listeners attached before hello, so they hear the server's hello too. */
  onMessage?: (m: ServerMessage, text: string) => void;
  onInvalid?: (text: string, error: Error) => void;
}

const CLOSED_REPLY = { code: 'internal', message: 'the companion closed the connection', hint: 'Check whether it is still running (`loupe doctor`).' } as const;

/**
 * The one Node client of the WebSocket protocol, used by the CLI, the bench and the integration
 * tests: connects, authenticates, says hello, submits jobs and follows them to their terminal
 * message. Messages that do not parse go to `onInvalid` (ignored unless someone listens).
 */
export class LoupeConnection {
  private readonly messageListeners = new Set<(m: ServerMessage, text: string) => void>();
  private readonly invalidListeners = new Set<(text: string, error: Error) => void>();
  private closedError?: Error;

  private constructor(readonly socket: WebSocket) {}

  static async connect(port: number, options: ConnectOptions): Promise<LoupeConnection> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    const challenge = options.token !== undefined && options.auth !== 'subprotocol' && !options.protocols;
    const nonce = challenge ? newNonce() : undefined;
    const socket = openSocket(port, { ...options, handshakeTimeoutMs: timeoutMs, ...(nonce ? { challengeNonce: nonce, token: undefined } : {}) });
    const first = nonce ? new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString()))) : undefined;
    await opened(socket, port);
    const conn = new LoupeConnection(socket);
    if (nonce && first) {
      const proof = await Promise.race([first.then((text) => answerChallenge(options.token!, port, nonce, text)), after(timeoutMs, null)]);
      if (proof === null) {
        socket.terminate();
        throw new ProtocolError(
          'bad_request',
          `the program on port ${port} did not prove it holds this companion's token (a rotated token, or another program on the port); nothing was sent`,
          'Use the same LOUPE_HOME as the companion (`loupe token` prints its token), and check `loupe doctor`.',
        );
      }
      socket.send(proof);
    }
    if (options.onMessage) conn.onMessage(options.onMessage);
    if (options.onInvalid) conn.onInvalid(options.onInvalid);
    conn.listen();
    if (options.hello !== false) await conn.hello(options.hello, timeoutMs);
    return conn;
  }

  /** Every server message that parsed, in order. Returns the unsubscribe function. */
  onMessage(listener: (m: ServerMessage, text: string) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  onInvalid(listener: (text: string, error: Error) => void): () => void {
    this.invalidListeners.add(listener);
    return () => this.invalidListeners.delete(listener);
  }

  send(data: string | Uint8Array): void {
    this.socket.send(data);
  }

  submit(fields: SubmitFields, images: Uint8Array[] = []): void {
    this.socket.send(submitFrame(fields, images));
  }

  cancel(id: string): void {
    this.socket.send(cancelMessage(id));
  }

  /**
   * Submits a job and resolves with its terminal message (an `error` when the connection closes
   * first). `onMessage` hears each of the job's messages before that; `onSend` runs when the
   * encoded frame is handed to the socket (client-side timing starts there).
   */
  run(fields: SubmitFields, images: Uint8Array[], hooks: { onMessage?: (m: ServerMessage) => void; onSend?: () => void } = {}): Promise<TerminalMessage> {
    if (this.closedError) return Promise.reject(this.closedError);
    const frame = submitFrame(fields, images);
    return new Promise((resolve) => {
      const stop = this.onMessage((m) => {
        if (!('id' in m) || m.id !== fields.id) return;
        hooks.onMessage?.(m);
        if (!isTerminal(m)) return;
        stop();
        stopClose();
        resolve(m);
      });
      const stopClose = this.onClose(() => {
        stop();
        resolve({ type: 'error', id: fields.id, ...CLOSED_REPLY });
      });
      hooks.onSend?.();
      this.socket.send(frame);
    });
  }

  /** Closes politely (1000), or drops the socket when the peer does not answer within a second. */
  async close(): Promise<void> {
    const socket = this.socket;
    if (socket.readyState === socket.CLOSED) return;
    socket.close(1000);
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1000).unref();
    });
  }

  terminate(): void {
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.terminate();
  }

  private onClose(listener: () => void): () => void {
    this.socket.on('close', listener);
    return () => this.socket.off('close', listener);
  }

  private listen(): void {
    // After the upgrade a socket error is followed by `close`, which ends every job in flight.
    this.socket.on('error', () => undefined);
    this.socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      let message: ServerMessage;
      try {
        message = parseServerMessage(text);
      } catch (error) {
        for (const l of this.invalidListeners) l(text, error as Error);
        return;
      }
      for (const l of [...this.messageListeners]) l(message, text);
    });
    this.socket.on('close', () => (this.closedError = new Error(CLOSED_REPLY.message)));
  }

  private async hello(client: ClientHello['client'], timeoutMs: number): Promise<void> {
    let stop = (): void => undefined;
    const reply = new Promise<ServerMessage>((resolve) => {
      stop = this.onMessage((m) => {
        if (m.type === 'hello' || (m.type === 'error' && !m.id)) resolve(m);
      });
    });
    this.socket.send(helloMessage(client));
    const answer = await Promise.race([reply, after(timeoutMs, undefined)]).finally(stop);
    if (answer?.type === 'hello') return;
    this.socket.terminate();
    if (answer?.type === 'error') throw new ProtocolError(answer.code, answer.message, answer.hint);
    throw new ProtocolError('internal', 'the companion did not answer hello', 'Check `loupe doctor`.');
  }
}

function opened(socket: WebSocket, port: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      reject(
        new ProtocolError(
          'bad_request',
          status === 401 ? 'the running companion refused the token' : `the running companion refused the connection (HTTP ${status})`,
          status === 401 ? 'Unset LOUPE_TOKEN or use the same LOUPE_HOME as the companion (`loupe token` prints its token).' : 'Check `loupe doctor`.',
        ),
      );
    });
    socket.once('error', (e) => reject(new ProtocolError('internal', `cannot reach the companion on port ${port}: ${e.message}`, 'Start it with `loupe start`, or run without it (the command then works in-process).')));
  });
}

function after<T>(ms: number, value: T): Promise<T> {
  return new Promise((resolve) => setTimeout(() => resolve(value), ms).unref());
}
