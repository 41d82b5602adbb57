import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A one-line usage error: main prints it and exits 2. */
export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}

export function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535 (0 picks a free port), not "${value}"`);
  return port;
}

export function parseDevice(value: string | undefined, fallback: 'auto' | 'cuda' | 'cpu'): 'auto' | 'cuda' | 'cpu' {
  if (value === undefined) return fallback;
  if (value === 'auto' || value === 'cuda' || value === 'cpu') return value;
  throw new UsageError(`--device must be auto, cuda or cpu, not "${value}"`);
}
