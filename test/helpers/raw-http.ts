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

/** The upgrade request a WebSocket client sends, written by hand so any part can be altered. */
export function upgradeRequest(port: number, protocols: string | undefined, extraHeaders: string[] = []): string {
  return [
    `GET /v1/ws HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    ...(protocols ? [`Sec-WebSocket-Protocol: ${protocols}`] : []),
    ...extraHeaders,
    '',
    '',
  ].join('\r\n');
}

/**
 * A WebSocket opened by hand: resolves with the raw socket after the 101 response, so a test
 * can write frames no well-behaved client library would (oversized lengths, RSV bits).
 */
export function rawWebSocket(port: number, token: string): Promise<{ socket: Socket; received: () => Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let buf = Buffer.alloc(0);
    let upgraded = false;
    socket.on('connect', () => socket.write(upgradeRequest(port, `loupe.v1, loupe.auth.${token}`)));
    socket.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      if (upgraded) return;
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      if (!head.startsWith('HTTP/1.1 101')) return reject(new Error(`upgrade refused: ${head.split('\r\n')[0]}`));
      upgraded = true;
      buf = buf.subarray(end + 4);
      resolve({ socket, received: () => buf });
    });
    socket.on('error', (e) => {
      if (!upgraded) reject(e);
    });
  });
}

/** A client frame header (FIN, opcode, mask bit set with an all-zero key, so payload bytes go unchanged). */
export function frameHeader(opcode: number, length: number, fin = true): Buffer {
  const first = (fin ? 0x80 : 0) | opcode;
  const zeroMask = Buffer.alloc(4);
  if (length < 126) return Buffer.concat([Buffer.from([first, 0x80 | length]), zeroMask]);
  if (length < 65536) {
    const h = Buffer.from([first, 0x80 | 126, 0, 0]);
    h.writeUInt16BE(length, 2);
    return Buffer.concat([h, zeroMask]);
  }
  const h = Buffer.alloc(10);
  h[0] = first;
  h[1] = 0x80 | 127;
  h.writeBigUInt64BE(BigInt(length), 2);
  return Buffer.concat([h, zeroMask]);
}

/** The close code in the first server close frame found in `data`, if any. */
export function closeCode(data: Buffer): number | undefined {
  let at = 0;
  while (at + 2 <= data.length) {
    const opcode = data[at]! & 0x0f;
    let len = data[at + 1]! & 0x7f;
    let off = at + 2;
    if (len === 126) {
      len = data.readUInt16BE(off);
      off += 2;
    } else if (len === 127) {
      len = Number(data.readBigUInt64BE(off));
      off += 8;
    }
    if (opcode === 0x8) return len >= 2 && off + 2 <= data.length ? data.readUInt16BE(off) : 1005;
    at = off + len;
  }
  return undefined;
}
