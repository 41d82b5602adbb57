import { isTerminal, type ServerMessage, type SubmitJob, type TerminalMessage } from '@loupe/shared';
import { LoupeConnection } from '../client/connection';
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
  const conn = await LoupeConnection.connect(port, { token, hello: { name: 'loupe-cli', version: '1' } });
  return {
    where: `companion on 127.0.0.1:${port}`,
    run(job, images, onDelta) {
      const { type: _type, images: _lengths, ...fields } = job;
      return conn.run(fields, images, { onMessage: (m) => m.type === 'delta' && onDelta?.(m.text) });
    },
    close: () => conn.close(),
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
