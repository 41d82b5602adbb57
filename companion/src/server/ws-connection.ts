import type WebSocket from 'ws';
import {
  PROTOCOL_VERSION,
  ProtocolError,
  decodeSubmitFrame,
  parseClientMessage,
  type ClientMessage,
  type ServerStatus,
  type SubmitJob,
} from '@loupe/shared';
import type { Logger } from '../log/logger';
import type { JobService, JobSink } from '../queue/job-service';
import { createWsSink } from './ws-sink';

const SUPPORTED_PROTOCOLS = [PROTOCOL_VERSION];

export interface ConnectionDeps {
  service: JobService;
  log: Logger;
  version: string;
  status(): ServerStatus;
  /** Who the connection belongs to for fairness (its Origin, or "local"). */
  identity?: string;
}

/**
 * One WebSocket client. Every message gets an answer; a bad one gets an error reply and
 * the connection lives on. Closing the socket cancels the client's jobs.
 */
export function handleConnection(ws: WebSocket, clientId: string, deps: ConnectionDeps): void {
  const sink: JobSink = createWsSink(ws);
  const log = deps.log.child({ client: clientId });

  const reply = (m: Parameters<JobSink['send']>[0]): void => sink.send(m);
  const submitted = new Set<string>();
  const submit = (job: SubmitJob, images: Uint8Array[]): void => {
    if (submitted.size >= 4096) submitted.clear();
    submitted.add(job.id);
    log.debug({ job: job.id, task: job.task, images: images.map((i) => i.byteLength) }, 'submit');
    deps.service.submit({ clientId, job, images, ...(deps.identity ? { identity: deps.identity } : {}) }, sink);
  };

  const handleText = (message: ClientMessage): void => {
    switch (message.type) {
      case 'hello': {
        const shared = message.protocols.filter((p) => SUPPORTED_PROTOCOLS.includes(p));
        if (shared.length === 0) {
          throw new ProtocolError('unsupported_version', `protocol versions ${message.protocols.join(', ')} are not supported; this companion speaks ${SUPPORTED_PROTOCOLS.join(', ')}`, 'Update the extension and the companion to the same release.');
        }
        reply({ type: 'hello', protocol: Math.max(...shared), server: { name: 'loupe', version: deps.version }, status: deps.status() });
        return;
      }
      case 'submit':
        if (message.images.length > 0) {
          throw new ProtocolError('bad_request', 'a JSON submit cannot carry images', 'Send images in a binary submit frame (encodeSubmitFrame).', message.id);
        }
        submit(message, []);
        return;
      case 'cancel':
        // An id this connection never submitted gets not_found; one that already ended got its terminal message.
        if (!deps.service.cancel(clientId, message.id) && !submitted.has(message.id)) {
          throw new ProtocolError('not_found', `no job "${message.id}" in flight on this connection`, 'It may have finished already; cancel only jobs that have not ended.', message.id);
        }
        return;
      case 'status':
        reply({ type: 'status', status: deps.status() });
        return;
      case 'ping':
        reply({ type: 'pong', ...(message.t !== undefined ? { t: message.t } : {}) });
        return;
      default:
        // A new client message does not compile until it is handled here.
        return unhandled(message);
    }
  };

  ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
    try {
      const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      if (isBinary) {
        const { job, images } = decodeSubmitFrame(new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength));
        submit(job, images);
      } else {
        handleText(parseClientMessage(buf.toString('utf8')));
      }
    } catch (e) {
      if (e instanceof ProtocolError) {
        reply(e.toReply());
      } else {
        log.error({ err: { name: (e as Error).name } }, 'message handling failed');
        reply({ type: 'error', code: 'internal', message: 'internal error while handling the message', hint: 'See the companion log; this is a bug.' });
      }
    }
  });

  ws.on('error', (err) => log.debug({ err: { name: err.name, code: (err as NodeJS.ErrnoException).code } }, 'socket error'));
  ws.on('close', (code) => {
    log.debug({ code }, 'client closed');
    deps.service.disconnect(clientId);
  });
}

function unhandled(message: never): never {
  throw new ProtocolError('bad_request', `unhandled message type "${(message as { type: string }).type}"`);
}
