import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { homePaths } from '../config/paths';

/** 256 bits, hex: safe inside a Sec-WebSocket-Protocol token and an Authorization header. */
export function generateToken(): string {
  return randomBytes(32).toString('hex');
}

const TOKEN_SHAPE = /^[A-Za-z0-9._~-]{16,256}$/;

export function isWellFormedToken(token: string): boolean {
  return TOKEN_SHAPE.test(token);
}

/** Writes the token file with mode 0600 (atomically: a reader never sees half a token). */
export function writeTokenFile(path: string, token: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${token}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function readTokenFile(path: string): string | undefined {
  try {
    const token = readFileSync(path, 'utf8').trim();
    return isWellFormedToken(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

/** The token from LOUPE_TOKEN, else the token file, creating it on first use. */
export function loadOrCreateToken(home: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.LOUPE_TOKEN?.trim();
  if (fromEnv) {
    if (!isWellFormedToken(fromEnv)) throw new Error('LOUPE_TOKEN must be 16–256 characters of [A-Za-z0-9._~-]; unset it or run `loupe token --rotate`.');
    return fromEnv;
  }
  const path = homePaths(home).token;
  const existing = readTokenFile(path);
  if (existing) {
    // Repair permissions a user or a copy may have loosened.
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
    } catch {
      /* best effort */
    }
    return existing;
  }
  const token = generateToken();
  writeTokenFile(path, token);
  return token;
}

export function rotateToken(home: string): string {
  const token = generateToken();
  writeTokenFile(homePaths(home).token, token);
  return token;
}

/** Constant-time comparison: hash both sides so lengths never leak through timing either. */
export function tokensEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * The daemon's view of the token: LOUPE_TOKEN if set, else the token file, re-read on every
 * check so `loupe token --rotate` takes effect at once. By content, not timestamp: two rotations
 * within the file system's timestamp granularity look unchanged to a stat.
 */
export class TokenSource {
  private cached: string;

  constructor(
    private readonly home: string,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.cached = loadOrCreateToken(home, env);
  }

  current(): string {
    if (this.env.LOUPE_TOKEN?.trim()) return this.cached;
    // A missing or half-edited file keeps the last good token (writes are atomic renames).
    const fresh = readTokenFile(homePaths(this.home).token);
    if (fresh) this.cached = fresh;
    return this.cached;
  }

  matches(presented: string | undefined): boolean {
    return tokensEqual(presented, this.current());
  }
}
