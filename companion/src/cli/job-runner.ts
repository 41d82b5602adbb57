import WebSocket from 'ws';
import {
  encodeSubmitFrame,
  isTerminal,
  parseServerMessage,
  helloMessage,
  ProtocolError,
  answerChallenge,
  newNonce,
  WS_CHALLENGE_PREFIX,
  WS_PATH,
  WS_SUBPROTOCOL,
  type ServerMessage,
  type SubmitJob,
  type TerminalMessage,
} from '@loupe/shared';
import type { JobService } from '../queue/job-service';

/** Runs jobs for a CLI command: against a running daemon or an in-process job service. */
export interface JobRunner {
  /** Where the jobs run, in words (for --verbose and errors). */
  readonly where: string;
  run(job: SubmitJob, images: Uint8Array[], onDelta?: (text: string) => void): Promise<TerminalMessage>;
  close(): Promise<void>;
}

/**
 * Talks to a running daemon over its WebSocket. Like the extension it uses the challenge–response
 * (shared/src/protocol/handshake.ts): a program squatting the port never sees the token.
 */
export async function connectDaemon(port: number, token: string): Promise<JobRunner> {
  const clientNonce = newNonce();
  const ws = new WebSocket(`ws://127.0.0.1:${port}${WS_PATH}`, [WS_SUBPROTOCOL, `${WS_CHALLENGE_PREFIX}${clientNonce}`], { perMessageDeflate: false, handshakeTimeout: 10_000 });
  const challenge = new Promise<string>((resolve) => ws.once('message', (data) => resolve(data.toString())));
  const listeners = new Map<string, (m: ServerMessage) => void>();
  let helloWaiter: ((m: ServerMessage) => void) | undefined;
  let closedError: Error | undefined;
  let authenticated = false;
  ws.on('message', (data, isBinary) => {
    if (isBinary || !authenticated) return;
    let message: ServerMessage;
    try {
      message = parseServerMessage(data.toString());
    } catch {
      return;
    }
    if (message.type === 'hello' || (message.type === 'error' && !message.id)) helloWaiter?.(message);
    if ('id' in message && message.id) listeners.get(message.id)?.(message);
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => {
      const status = res.statusCode ?? 0;
      reject(
        new ProtocolError(
          'bad_request',
          status === 401 ? 'the running companion refused the token' : `the running companion refused the connection (HTTP ${status})`,
          status === 401 ? 'Unset LOUPE_TOKEN or use the same LOUPE_HOME as the companion (`loupe token` prints its token).' : 'Check `loupe doctor`.',
        ),
      );
    });
    ws.once('error', (e) => reject(new ProtocolError('internal', `cannot reach the companion on port ${port}: ${e.message}`, 'Start it with `loupe start`, or run without it (the command then works in-process).')));
  });
  ws.on('close', () => {
    closedError = new Error('the companion closed the connection');
    for (const l of listeners.values()) l({ type: 'error', id: '', code: 'internal', message: 'the companion closed the connection', hint: 'Check whether it is still running (`loupe doctor`).' });
  });
  const proof = await Promise.race([challenge.then((first) => answerChallenge(token, port, clientNonce, first)), new Promise<null>((r) => setTimeout(() => r(null), 10_000).unref())]);
  if (proof === null) {
    ws.terminate();
    throw new ProtocolError(
      'bad_request',
      `the program on port ${port} did not prove it holds this companion's token (a rotated token, or another program on the port); nothing was sent`,
      'Use the same LOUPE_HOME as the companion (`loupe token` prints its token), and check `loupe doctor`.',
    );
  }
  authenticated = true;
  ws.send(proof);
  const hello = await new Promise<ServerMessage>((resolve, reject) => {
    helloWaiter = resolve;
    setTimeout(() => reject(new Error('the companion did not answer hello')), 10_000).unref();
    ws.send(helloMessage({ name: 'loupe-cli', version: '1' }));
  });
  if (hello.type === 'error') {
    ws.terminate();
    throw new ProtocolError(hello.code, hello.message, hello.hint);
  }
  return {
    where: `companion on 127.0.0.1:${port}`,
    run(job, images, onDelta) {
      if (closedError) return Promise.reject(closedError);
      return new Promise<TerminalMessage>((resolve) => {
        listeners.set(job.id, (m) => {
          if (m.type === 'delta') onDelta?.(m.text);
          else if (isTerminal(m)) {
            listeners.delete(job.id);
            resolve(m.type === 'error' ? { ...m, id: job.id } : m);
          }
        });
        ws.send(encodeSubmitFrame({ ...job }, images));
      });
    },
    async close() {
      ws.close(1000);
      await new Promise<void>((r) => {
        if (ws.readyState === WebSocket.CLOSED) return r();
        ws.once('close', () => r());
        setTimeout(() => {
          ws.terminate();
          r();
        }, 1000).unref();
      });
    },
  };
}

/** Runs jobs on an in-process job service (no daemon running). */
export function serviceRunner(service: JobService, where: string): JobRunner {
  const clientId = 'cli';
  return {
    where,
    run(job, images, onDelta) {
      return new Promise<TerminalMessage>((resolve) => {
        let ended = false;
        service.submit(
          { clientId, job, images },
          {
            congested: false,
            send(m: ServerMessage) {
              if (ended) return;
              if (m.type === 'delta') onDelta?.(m.text);
              else if (isTerminal(m)) {
                ended = true;
                resolve(m);
              }
            },
          },
        );
      });
    },
    close: () => service.close(),
  };
}
