import type { Logger } from '../../log/logger';

const PINO_LEVELS: Record<number, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** One line of an engine host's stdout/stderr: its own pino lines keep their level and fields; anything else (native libraries) is one string. */
export function forwardHostLine(log: Logger, line: string, fallback: 'debug' | 'warn'): void {
  if (line.startsWith('{')) {
    try {
      const { level, msg, time: _t, pid: _p, hostname: _h, ...fields } = JSON.parse(line) as Record<string, unknown>;
      const name = typeof level === 'number' ? PINO_LEVELS[Math.floor(level / 10) * 10] : undefined;
      if (name) {
        log[name]({ ...fields, from: 'engine-host' }, typeof msg === 'string' ? msg : 'engine host log');
        return;
      }
    } catch {
      // not JSON after all
    }
  }
  log[fallback]({ line: line.slice(0, 500) }, 'engine host output');
}
