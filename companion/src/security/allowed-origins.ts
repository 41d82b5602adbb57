import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CHROME_EXTENSION_ORIGIN } from '@loupe/shared';
import { homePaths } from '../config/paths';

/** A Firefox extension origin: its uuid differs per install, so pairing records it. */
const MOZ_ORIGIN = /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isMozExtensionOrigin(origin: string): boolean {
  return MOZ_ORIGIN.test(origin);
}

export function readAllowedOrigins(home: string): string[] {
  try {
    const raw = JSON.parse(readFileSync(homePaths(home).allowedOrigins, 'utf8')) as { origins?: unknown };
    return Array.isArray(raw.origins) ? raw.origins.filter((o): o is string => typeof o === 'string' && isMozExtensionOrigin(o)) : [];
  } catch {
    return [];
  }
}

/** Records a paired Firefox origin (idempotent). Only moz-extension origins are accepted. */
export function addAllowedOrigin(home: string, origin: string): void {
  if (!isMozExtensionOrigin(origin)) throw new Error(`not a moz-extension origin: ${origin}`);
  const path = homePaths(home).allowedOrigins;
  const origins = new Set(readAllowedOrigins(home));
  if (origins.has(origin)) return;
  origins.add(origin);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify({ origins: [...origins] }, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, path);
}

/**
 * Which Origin headers the daemon admits: the pinned Chrome extension, plus Firefox
 * origins recorded by pairing (re-read when the file changes, so pairing needs no restart).
 */
export class OriginPolicy {
  private paired: Set<string> = new Set();
  private mtimeMs = -2;

  constructor(private readonly home: string) {}

  allows(origin: string): boolean {
    if (origin === CHROME_EXTENSION_ORIGIN) return true;
    if (!isMozExtensionOrigin(origin)) return false;
    this.refresh();
    return this.paired.has(origin);
  }

  private refresh(): void {
    let mtime = -1;
    try {
      mtime = statSync(homePaths(this.home).allowedOrigins).mtimeMs;
    } catch {
      /* no file: nothing paired */
    }
    if (mtime === this.mtimeMs) return;
    this.mtimeMs = mtime;
    this.paired = new Set(readAllowedOrigins(this.home));
  }
}
