import type { Duplex } from 'node:stream';
import { STATUS_CODES } from 'node:http';

/** Answers a refused WebSocket upgrade with a plain HTTP error and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, code: string, message: string, hint?: string, headers: Record<string, string> = {}): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ error: { code, message, ...(hint ? { hint } : {}) } });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('') +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  );
  setTimeout(() => socket.destroy(), 1000).unref();
}
