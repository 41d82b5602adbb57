import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One chat completion as it streams: OpenAI's SSE chunks, written by a test's `reply`. */
export interface SseReply {
  /** A delta chunk (`{ content }`, or `{}` with a finish reason). */
  chunk(delta: object, finish?: string | null): void;
  usage(usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }): void;
  /** The closing `[DONE]`. */
  end(): void;
  /** The client went away before the end (a cancel). */
  readonly closed: boolean;
}

export interface FakeOpenAiOptions {
  /** What `GET <base>/models` lists, by base path ('/v1'; several for a test that plays several remotes). */
  models: Record<string, string[]>;
  /** Whether a request's `Authorization` header passes; a refused one gets OpenAI's 401 body. Default: all pass. */
  accepts?: (authorization: string | undefined, url: string) => boolean;
  /** Answers one `POST .../chat/completions` (its JSON body); the event stream is already open. */
  reply: (body: Record<string, unknown>, sse: SseReply) => void | Promise<void>;
  /** A fixed port (a test that starts the remote after the daemon); default: any free one. */
  port?: number;
}

export interface FakeOpenAi {
  /** `http://127.0.0.1:<port>/v1`. */
  baseUrl: string;
  /** Every chat completion it was sent, in order. */
  requests: Array<{ auth: string | undefined; body: Record<string, unknown> }>;
  /** How many streams the client closed before their end. */
  readonly closedEarly: number;
  close(): Promise<void>;
}

/** A minimal OpenAI-compatible server on loopback (real sockets), for the remote engine's tests. */
export async function startFakeOpenAi(options: FakeOpenAiOptions): Promise<FakeOpenAi> {
  const requests: FakeOpenAi['requests'] = [];
  let closedEarly = 0;
  const json = (res: ServerResponse, status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    if (options.accepts && !options.accepts(req.headers.authorization, url)) {
      return void json(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    }
    const listed = url.endsWith('/models') ? options.models[url.slice(0, -'/models'.length)] : undefined;
    if (listed) return void json(res, 200, { object: 'list', data: listed.map((id) => ({ id, object: 'model' })) });
    let raw = '';
    for await (const c of req) raw += String(c);
    const body = JSON.parse(raw) as Record<string, unknown>;
    requests.push({ auth: req.headers.authorization, body });
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    let closed = false;
    res.on('close', () => {
      if (!res.writableEnded) closedEarly++;
      closed = true;
    });
    const write = (chunk: object) => res.write(`data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: body.model, ...chunk })}\n\n`);
    await options.reply(body, {
      chunk: (delta, finish = null) => write({ choices: [{ index: 0, delta, finish_reason: finish }] }),
      usage: (usage) => write({ choices: [], usage }),
      end: () => res.end('data: [DONE]\n\n'),
      get closed() {
        return closed;
      },
    });
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((r) => server.listen(options.port ?? 0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    requests,
    get closedEarly() {
      return closedEarly;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A loopback port nothing listens on (for a remote that is down, or one started later). */
export async function unusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}
