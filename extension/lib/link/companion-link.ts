// Over 300 lines on purpose: reconnect, the /health watch and discovery all drive the one socket and its state.
import { helloMessage, parseServerMessage, pingMessage, WS_PATH } from '@loupe/shared';
import type { ServerHello, ServerMessage } from '@loupe/shared';
import { Backoff } from './backoff';
import { ChallengeAuth } from './challenge-auth';

const PAIR_INTERVAL_MS = 30_000;
/** While the companion is down, a cheap GET /health this often decides when to reconnect. */
export const WATCH_INTERVAL_MS = 1_000;

/** What the panel shows about the link, with the fix when it is down. */
export type LinkState =
  | { kind: 'connecting'; port: number }
  | { kind: 'connected'; port: number; hello: ServerHello }
  | { kind: 'offline'; port: number; retryInMs: number; retryAt: number; searched: number[] }
  | { kind: 'unpaired'; port: number; retryInMs: number; retryAt: number };

export interface Credentials {
  port: number;
  token?: string;
}

export interface LinkDeps {
  WebSocketImpl: { new (url: string, protocols: string[]): WebSocket };
  credentials(): Promise<Credentials>;
  /** GET /health on the port: true when a companion answers. */
  probe(port: number): Promise<boolean>;
  /** Where a companion listens when nothing says otherwise: looked at when the configured port is dead. */
  defaultPort?: number;
  /** Makes `port` the configured one (it was found there); credentials() returns it from then on. */
  usePort?(port: number): Promise<void>;
  /** Obtains a fresh token (native-messaging pairing); true when one was stored. */
  pair(): Promise<boolean>;
  onMessage(message: ServerMessage): void;
  onState(state: LinkState): void;
  /** Called when the socket closes so in-flight jobs can end with a clear error. */
  onDisconnect(): void;
  onInvalid?(error: unknown): void;
  clientVersion: string;
  keepaliveMs?: number;
  backoff?: Backoff;
}

/**
 * The service worker's one WebSocket to the companion: hello, application keepalive
 * (Chrome keeps a worker alive while messages flow within 30 s), reconnect with backoff,
 * and re-pairing when the companion is up but refuses the token.
 */
export class CompanionLink {
  private ws: WebSocket | null = null;
  private state: LinkState = { kind: 'connecting', port: 0 };
  private keepalive: ReturnType<typeof setInterval> | null = null;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private watch: ReturnType<typeof setInterval> | null = null;
  private lastPong = 0;
  private lastPairAt = Number.NEGATIVE_INFINITY;
  private readonly backoff: Backoff;
  private readonly keepaliveMs: number;
  private waiters: Array<{ resolve: () => void; reject: (e: Error) => void }> = [];
  private stopped = false;
  /** An open() is between reading credentials and creating its socket: a second one would race it. */
  private opening = false;

  constructor(private readonly deps: LinkDeps) {
    this.backoff = deps.backoff ?? new Backoff();
    this.keepaliveMs = deps.keepaliveMs ?? 20_000;
  }

  get current(): LinkState {
    return this.state;
  }

  /** Starts (or restarts now) a connection attempt unless one is open or under way. */
  connect(): void {
    this.stopped = false;
    if (this.opening || (this.ws && (this.ws.readyState === 0 || this.ws.readyState === 1))) return;
    if (this.retry) {
      clearTimeout(this.retry);
      this.retry = null;
    }
    void this.open();
  }

  /** Resolves once the server's hello arrived; rejects after `timeoutMs`. */
  ready(timeoutMs = 6_000): Promise<void> {
    if (this.state.kind === 'connected') return Promise.resolve();
    this.connect();
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      this.waiters.push(waiter);
      setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(new Error(this.state.kind));
        }
      }, timeoutMs);
    });
  }

  send(data: string | Uint8Array): void {
    if (!this.ws || this.state.kind !== 'connected') throw new Error('not connected to the companion');
    this.ws.send(data as never);
  }

  /** Drops the socket and reconnects at once (e.g. after the port or token changed). */
  restart(): void {
    this.backoff.reset();
    this.lastPairAt = Number.NEGATIVE_INFINITY;
    this.teardown();
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.stopWatch();
    this.teardown();
  }

  private async open(): Promise<void> {
    this.stopWatch();
    this.opening = true;
    try {
      await this.openSocket();
    } finally {
      this.opening = false;
    }
  }

  private async openSocket(): Promise<void> {
    let creds = await this.deps.credentials();
    this.setState({ kind: 'connecting', port: creds.port });
    if (!creds.token) {
      // First run: pairing hands out the token and the port the companion listens on.
      if (await this.tryPair()) creds = await this.deps.credentials();
      if (!creds.token) return this.scheduleRetry((await this.deps.probe(creds.port)) ? 'unpaired' : 'offline', creds.port);
    }
    if (this.stopped) return;
    let ws: WebSocket;
    const auth = new ChallengeAuth(creds.token, creds.port);
    try {
      ws = new this.deps.WebSocketImpl(`ws://127.0.0.1:${creds.port}${WS_PATH}`, auth.protocols());
    } catch {
      return this.scheduleRetry('offline', creds.port);
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    // `opened` only once the peer proved it holds the token: a failed proof goes the re-pair path.
    let opened = false;
    let authStarted = false;
    const port = creds.port;
    ws.onopen = () => {
      /* the server speaks first: its challenge */
    };
    ws.onmessage = (event: MessageEvent) => {
      if (!opened) {
        if (authStarted) return;
        authStarted = true;
        void auth.answer(event.data).then((reply) => {
          if (this.ws !== ws) return;
          if (reply === null) return ws.close();
          opened = true;
          ws.send(reply);
          ws.send(helloMessage({ name: 'loupe-extension', version: this.deps.clientVersion }));
        });
        return;
      }
      if (typeof event.data !== 'string') return;
      let message: ServerMessage;
      try {
        message = parseServerMessage(event.data);
      } catch (error) {
        this.deps.onInvalid?.(error);
        return;
      }
      this.lastPong = Date.now();
      if (message.type === 'hello') {
        this.backoff.reset();
        this.setState({ kind: 'connected', port, hello: message });
        this.startKeepalive();
        for (const w of this.waiters.splice(0)) w.resolve();
      }
      this.deps.onMessage(message);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.stopKeepalive();
      this.deps.onDisconnect();
      if (this.stopped) return;
      void this.afterClose(port, opened);
    };
    ws.onerror = () => {
      /* onclose follows */
    };
  }

  private async afterClose(port: number, opened: boolean): Promise<void> {
    if (opened) {
      // It was working: reconnect quickly.
      this.setState({ kind: 'connecting', port });
      this.scheduleRetryRaw(this.backoff.next(), 'connecting', port);
      return;
    }
    // Never opened: nothing listens there (maybe it moved to another port), or the
    // companion refused us (401/403, e.g. its token was rotated). Pairing answers both.
    const running = await this.deps.probe(port);
    if (await this.tryPair()) {
      this.connect();
      return;
    }
    if (!running && (await this.foundElsewhere(port))) return;
    this.scheduleRetry(running ? 'unpaired' : 'offline', port);
  }

  /** Pairing (daemon.json) already had its say: try the default port before calling it "not running". */
  private async foundElsewhere(port: number): Promise<boolean> {
    const fallback = this.deps.defaultPort;
    if (fallback === undefined || fallback === port || !this.deps.usePort || !(await this.deps.probe(fallback))) return false;
    // Say where we are going first: the settings change that follows then needs no restart.
    this.setState({ kind: 'connecting', port: fallback });
    await this.deps.usePort(fallback);
    this.connect();
    return true;
  }

  private searched(port: number): number[] {
    const fallback = this.deps.defaultPort;
    return fallback !== undefined && fallback !== port ? [fallback] : [];
  }

  /** Polls /health while the companion is down, so it is reconnected about a second after it is back. */
  private startWatch(port: number): void {
    this.stopWatch();
    let probing = false;
    this.watch = setInterval(() => {
      if (probing || this.stopped) return;
      probing = true;
      void (async () => {
        try {
          if (await this.deps.probe(port)) this.connect();
          else if (this.searched(port).length) await this.foundElsewhere(port);
        } finally {
          probing = false;
        }
      })();
    }, WATCH_INTERVAL_MS);
  }

  private stopWatch(): void {
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
  }

  /** At most one pairing attempt per PAIR_INTERVAL_MS (each one starts the native host). */
  private async tryPair(): Promise<boolean> {
    if (Date.now() - this.lastPairAt < PAIR_INTERVAL_MS) return false;
    this.lastPairAt = Date.now();
    try {
      return await this.deps.pair();
    } catch {
      return false;
    }
  }

  private scheduleRetry(kind: 'offline' | 'unpaired', port: number): void {
    const delay = this.backoff.next();
    this.scheduleRetryRaw(delay, kind, port);
  }

  private scheduleRetryRaw(delay: number, kind: 'offline' | 'unpaired' | 'connecting', port: number): void {
    const retryAt = Date.now() + delay;
    if (kind === 'connecting') this.setState({ kind, port });
    else if (kind === 'offline') this.setState({ kind, port, retryInMs: delay, retryAt, searched: this.searched(port) });
    else this.setState({ kind, port, retryInMs: delay, retryAt });
    for (const w of this.waiters.splice(0)) w.reject(new Error(kind));
    if (this.stopped) return;
    // Unpaired means it answers /health already: only the back-off retry can help there.
    if (kind === 'offline') this.startWatch(port);
    if (this.retry) clearTimeout(this.retry);
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, delay);
  }

  private startKeepalive(): void {
    this.stopKeepalive();
    this.lastPong = Date.now();
    this.keepalive = setInterval(() => {
      const ws = this.ws;
      if (!ws) return;
      if (Date.now() - this.lastPong > this.keepaliveMs * 3) {
        // No answer to three pings: the link is dead even if the socket says otherwise.
        ws.close();
        return;
      }
      ws.send(pingMessage(Date.now()));
    }, this.keepaliveMs);
  }

  private stopKeepalive(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
  }

  private teardown(): void {
    const ws = this.ws;
    this.ws = null;
    this.stopKeepalive();
    if (ws) {
      ws.onclose = null;
      ws.onmessage = null;
      try {
        ws.close();
      } catch {
        /* already closed */
      }
      this.deps.onDisconnect();
    }
  }

  private setState(state: LinkState): void {
    this.state = state;
    this.deps.onState(state);
  }
}
