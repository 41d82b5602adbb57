import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  head: string;
  body: string;
  /** The server closed the connection (as opposed to our timeout). */
  closedByServer: boolean;
  ms: number;
}

/**
 * Sends bytes exactly as given (any Host header, none, or garbage) and reads until the server
 * closes or `timeoutMs` passes. Node's http client normalises headers; this does not.
 */
export function rawRequest(port: number, request: string | Buffer, options: { timeoutMs?: number; host?: string } = {}): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = connect({ host: options.host ?? '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closedByServer: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split >= 0 ? text.slice(0, split) : text;
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
      resolve({ status, head, body: split >= 0 ? text.slice(split + 4) : '', closedByServer, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), options.timeoutMs ?? 10_000);
    socket.on('connect', () => socket.write(request));
    socket.on('data', (c) => {
      chunks.push(c);
      // A complete Content-Length body ends the read without waiting for the close.
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const len = /content-length:\s*(\d+)/i.exec(text.slice(0, split))?.[1];
      if (split >= 0 && len !== undefined && Buffer.byteLength(text.slice(split + 4), 'latin1') >= Number(len)) finish(false);
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    socket.on('error', (e) => {
      if (chunks.length || settled) finish(true);
      else {
        settled = true;
        clearTimeout(timer);
        reject(e);
      }
    });
  });
}

/** A GET as a browser or attacker might write it; `host: null` omits the Host header. */
export function getRequest(path: string, host: string | null, headers: Record<string, string> = {}): string {
  const lines = [`GET ${path} HTTP/1.1`];
  if (host !== null) lines.push(`Host: ${host}`);
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  lines.push('Connection: close', '', '');
  return lines.join('\r\n');
}

/** Opens a socket and resolves once the server closes it (or `timeoutMs` passes → `closed: false`). */
export function holdOpen(port: number, write: (socket: Socket) => void, timeoutMs: number): Promise<{ closed: boolean; ms: number; data: string }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, ms: Date.now() - started, data });
    }, timeoutMs);
    socket.on('connect', () => write(socket));
    socket.on('data', (c) => (data += c.toString('latin1')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, ms: Date.now() - started, data });
    });
    socket.on('error', () => undefined);
  });
}
