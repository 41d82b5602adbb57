import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured, leveled logs. Never pass image bytes, prompts, answers or tokens: log
 * ids, sizes, timings and codes only. The redact list is a second line of defence.
 */
export function createLogger(options: { level?: string; destination?: string; name?: string } = {}): Logger {
  const level = options.level ?? process.env.LOUPE_LOG_LEVEL ?? 'info';
  const redact = {
    paths: ['token', 'prompt', 'text', 'image', 'images', 'answer', 'authorization', '*.token', '*.prompt', '*.text', '*.authorization', 'req.headers.authorization', 'headers["sec-websocket-protocol"]'],
    censor: '[redacted]',
  };
  const base = { name: options.name ?? 'loupe' };
  if (options.destination) {
    return pino({ level, redact, base }, pino.destination({ dest: options.destination, mkdir: true, sync: false }));
  }
  return pino({ level, redact, base }, pino.destination(2));
}
