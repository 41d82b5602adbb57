import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';

/** A command line that does not parse: exit code 2 with its one-line message. */
export class UsageError extends Error {}

/** parseArgs with positionals and -h, its errors as one-line UsageErrors. */
export function parse<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]);
  }
}
