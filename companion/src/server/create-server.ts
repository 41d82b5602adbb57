import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import { LOUPE_VERSION, MAX_FRAME_BYTES, WS_PATH, WS_SUBPROTOCOL, type ServerStatus } from '@loupe/shared';
import type { Logger } from '../log/logger';
import type { JobService } from '../queue/job-service';
import { OriginPolicy } from '../security/allowed-origins';
import { authorize, bearerToken, challengeNonce, offeredSubprotocols, subprotocolToken, type AuthContext } from '../security/authorize';
import type { TokenSource } from '../security/token';
import type { ApiContext } from '../api/context';
import { handleApi, pathOf, PUBLIC_ROUTES, routeLabel } from '../api/router';
import { errorStyleFor } from '../api/error-shapes';
import { sendError } from '../api/http-io';
import { handleConnection } from './ws-connection';
import { runChallenge } from './ws-challenge';
import { WsLimits, type WsLimitOptions } from './ws-limits';
import { BodyBudget } from './http-body-budget';
import { rejectUpgrade } from './reject-upgrade';
import { startHeartbeat } from './heartbeat';

/** The only address the daemon ever binds: never 0.0.0.0. */
export const BIND_ADDRESS = '127.0.0.1';

export interface LoupeServerOptions {
  service: JobService;
  log: Logger;
  home: string;
  token: TokenSource;
  /** 0 picks a free port. */
  port: number;
  version?: string;
  heartbeatMs?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Connection and unfinished-message caps (defaults below; LOUPE_MESSAGE_TIMEOUT_MS for tests). */
  wsLimits?: Partial<WsLimitOptions>;
}

export interface LoupeServer {
  port: number;
  server: Server;
  status(): ServerStatus;
  close(): Promise<void>;
}

export async function startLoupeServer(o: LoupeServerOptions): Promise<LoupeServer> {
  const version = o.version ?? LOUPE_VERSION;
  const auth: AuthContext = { port: 0, origins: new OriginPolicy(o.home), token: o.token };
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_FRAME_BYTES,
    perMessageDeflate: false,
    clientTracking: true,
    handleProtocols: (protocols) => (protocols.has(WS_SUBPROTOCOL) ? WS_SUBPROTOCOL : false),
  });
  const limits = new WsLimits({
    perIdentity: 16,
    total: 64,
    messageTimeoutMs: Number(process.env.LOUPE_MESSAGE_TIMEOUT_MS ?? 30_000),
    inFlightBytes: 4 * MAX_FRAME_BYTES,
    ...o.wsLimits,
  });
  const bodies = new BodyBudget(Number(process.env.LOUPE_BODY_BUDGET_BYTES ?? 512 * 1024 * 1024));
  const stopHeartbeat = startHeartbeat(wss, o.heartbeatMs ?? Number(process.env.LOUPE_HEARTBEAT_MS ?? 15_000));
  let httpJobs = 0;
  let seq = 0;
  const instance = randomBytes(3).toString('hex');
  const status = (): ServerStatus => ({ ...o.service.status(), clients: wss.clients.size + httpJobs });
  const api: ApiContext = {
    service: o.service,
    log: o.log,
    version,
    status,
    nextClientId: () => `http-${instance}-${++seq}`,
    nextJobId: () => `h${instance}${++seq}`,
  };

  const server = createServer(
    {
      // Loopback clients send their headers (and so their token) in one write: a
      // connection without a complete request after 2 s is an attack or a dead peer.
      headersTimeout: o.headersTimeoutMs ?? 2_000,
      requestTimeout: o.requestTimeoutMs ?? 120_000,
      connectionsCheckingInterval: 250,
      maxHeaderSize: 16 * 1024,
    },
    (req: IncomingMessage, res: ServerResponse) => {
      const path = pathOf(req);
      const result = authorize(req, auth, { requireToken: !PUBLIC_ROUTES.has(`${req.method} ${path}`), presentedToken: bearerToken(req) });
      if (!result.ok) {
        o.log.info({ status: result.status, code: result.code, method: req.method, route: routeLabel(path) }, 'http refused');
        // Drain a small body so the client reads the answer instead of an EPIPE; never a big one.
        req.resume();
        const length = Number(req.headers['content-length'] ?? (req.headers['transfer-encoding'] ? Infinity : 0));
        if (!(length <= 1024 * 1024)) res.setHeader('connection', 'close');
        return sendError(res, result.status, result.code, result.message, result.hint, errorStyleFor(path));
      }
      httpJobs++;
      res.on('close', () => httpJobs--);
      bodies.track(req, res);
      void handleApi(req, res, api);
    },
  );
  server.keepAliveTimeout = 5_000;

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    if (pathOf(req) !== WS_PATH) return rejectUpgrade(socket, 404, 'not_found', 'no WebSocket on this path', `Connect to ${WS_PATH}.`);
    // RFC 6455 only: ws also accepts the hybi-08 draft, whose Sec-WebSocket-Origin it never checks.
    if (req.headers['sec-websocket-version'] !== '13') {
      return rejectUpgrade(socket, 426, 'unsupported_version', 'only WebSocket version 13 is supported', 'Use an RFC 6455 WebSocket client (Sec-WebSocket-Version: 13).', { 'Sec-WebSocket-Version': '13' });
    }
    // A client that offers a challenge (the extension) authenticates after the upgrade, once the
    // server has proved it knows the token; one that offers the token (CLI, scripts) does it here.
    const presentedToken = subprotocolToken(req);
    const nonce = presentedToken === undefined ? challengeNonce(req) : undefined;
    const result = authorize(req, auth, { requireToken: nonce === undefined, presentedToken });
    if (!result.ok) {
      o.log.info({ status: result.status, code: result.code }, 'websocket refused');
      return rejectUpgrade(socket, result.status, result.code, result.message, 'Offer `Sec-WebSocket-Protocol: loupe.v1, loupe.challenge.<nonce>` (or `loupe.auth.<token>`); print the token with `loupe token`.');
    }
    if (!offeredSubprotocols(req).includes(WS_SUBPROTOCOL)) {
      return rejectUpgrade(socket, 400, 'unsupported_version', `the ${WS_SUBPROTOCOL} subprotocol was not offered`, `Offer \`Sec-WebSocket-Protocol: ${WS_SUBPROTOCOL}, loupe.auth.<token>\`.`);
    }
    // Fairness and caps are per client identity: the extension (its Origin) or local programs.
    const identity = req.headers.origin ?? 'local';
    const refusal = limits.refusal(identity);
    if (refusal) {
      o.log.info({ code: 'busy' }, 'websocket refused: connection cap');
      return rejectUpgrade(socket, 429, 'busy', refusal, 'Close connections you no longer use.');
    }
    wss.handleUpgrade(req, socket, head, (ws: WebSocket) => {
      const clientId = `ws-${instance}-${++seq}`;
      limits.track(ws, socket, identity);
      wss.emit('connection', ws, req);
      const start = (): void => {
        handleConnection(ws, clientId, { service: o.service, log: o.log, version, status, identity });
        o.log.debug({ client: clientId, auth: nonce === undefined ? 'token' : 'challenge' }, 'client connected');
      };
      if (nonce === undefined) return start();
      runChallenge(ws, socket, { token: () => o.token.current(), port: auth.port, clientNonce: nonce }, start);
    });
  });
  // clientError keeps Node's default: 400 / 408 (timeouts) / 431 (header overflow), then close.

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: BIND_ADDRESS, port: o.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  auth.port = (server.address() as AddressInfo).port;

  return {
    port: auth.port,
    server,
    status,
    close: async () => {
      stopHeartbeat();
      limits.close();
      for (const ws of wss.clients) ws.close(1001, 'companion shutting down');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
          server.closeAllConnections();
        }, 1_000).unref();
      });
      wss.close();
    },
  };
}
