import { describe, expect, it } from 'vitest';
import { readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROME_EXTENSION_ORIGIN } from '@loupe/shared';
import { isAllowedHost } from './host-check';
import { addAllowedOrigin, OriginPolicy } from './allowed-origins';
import { generateToken, loadOrCreateToken, rotateToken, TokenSource, tokensEqual } from './token';
import { tempDirEachTest } from '../testing/temp-dir';

const home = tempDirEachTest('loupe-sec-');

describe('isAllowedHost', () => {
  it('accepts exactly the three loopback spellings with the port', () => {
    for (const h of ['127.0.0.1:7391', 'localhost:7391', '[::1]:7391', 'LocalHost:7391']) expect(isAllowedHost(h, 7391), h).toBe(true);
  });
  it('refuses rebinding forms, other ports and missing ports', () => {
    for (const h of [undefined, '', 'localhost6:7391', '127.1:7391', '0x7f.1:7391', '2130706433:7391', '127.0.0.1', '127.0.0.1:7392', 'evil.test:7391', '127.0.0.1:7391 ', '[::ffff:127.0.0.1]:7391', '[0:0:0:0:0:0:0:1]:7391']) {
      expect(isAllowedHost(h, 7391), String(h)).toBe(false);
    }
  });
});

describe('token', () => {
  it('is 256 bits of hex, stored with mode 0600, stable across loads', () => {
    const t = loadOrCreateToken(home(), {});
    expect(t).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(join(home(), 'token')).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(home(), {})).toBe(t);
    expect(generateToken()).not.toBe(generateToken());
  });
  it('LOUPE_TOKEN overrides the file; a malformed one is refused', () => {
    loadOrCreateToken(home(), {});
    expect(loadOrCreateToken(home(), { LOUPE_TOKEN: 'env-token-env-token' })).toBe('env-token-env-token');
    expect(() => loadOrCreateToken(home(), { LOUPE_TOKEN: 'short' })).toThrow(/LOUPE_TOKEN/);
    expect(() => loadOrCreateToken(home(), { LOUPE_TOKEN: 'has space in the token' })).toThrow(/LOUPE_TOKEN/);
  });
  it('repairs loose permissions and replaces a corrupt file', () => {
    const t = loadOrCreateToken(home(), {});
    const path = join(home(), 'token');
    writeFileSync(path, `${t}\n`, { mode: 0o644 });
    expect(loadOrCreateToken(home(), {})).toBe(t);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    writeFileSync(path, 'x');
    const fresh = loadOrCreateToken(home(), {});
    expect(fresh).not.toBe(t);
    expect(readFileSync(path, 'utf8').trim()).toBe(fresh);
  });
  it('compares in constant time without length leaks', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abd', 'abc')).toBe(false);
    expect(tokensEqual('ab', 'abc')).toBe(false);
    expect(tokensEqual(undefined, 'abc')).toBe(false);
  });
  it('TokenSource picks up a rotation without a restart', () => {
    const source = new TokenSource(home(), {});
    const first = source.current();
    expect(source.matches(first)).toBe(true);
    const second = rotateToken(home());
    // Same-millisecond writes must still be noticed: bump the mtime explicitly.
    const later = new Date(Date.now() + 5000);
    utimesSync(join(home(), 'token'), later, later);
    expect(source.matches(second)).toBe(true);
    expect(source.matches(first)).toBe(false);
  });
});

describe('token rotation', () => {
  it('is detected by content: 50 rapid rotations with an unchanged timestamp each take effect at once', () => {
    const source = new TokenSource(home(), {});
    const path = join(home(), 'token');
    const { atime, mtime } = statSync(path);
    let previous = source.current();
    for (let i = 0; i < 50; i++) {
      const next = rotateToken(home());
      utimesSync(path, atime, mtime); // a rotation inside the file system's timestamp granularity
      expect(source.matches(next), `rotation ${i}`).toBe(true);
      expect(source.matches(previous), `rotation ${i}`).toBe(false);
      previous = next;
    }
  });
});

describe('OriginPolicy', () => {
  it('admits the pinned Chrome origin and paired Firefox origins only', () => {
    const policy = new OriginPolicy(home());
    const fx = 'moz-extension://0b6d2a8e-1f0c-4d3e-9a55-3f1b7c2d9e41';
    expect(policy.allows(CHROME_EXTENSION_ORIGIN)).toBe(true);
    expect(policy.allows(`${CHROME_EXTENSION_ORIGIN}/`)).toBe(false);
    expect(policy.allows(fx)).toBe(false);
    addAllowedOrigin(home(), fx);
    expect(policy.allows(fx)).toBe(true);
    for (const o of ['null', 'https://evil.test', 'moz-extension://not-a-uuid', 'chrome-extension://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']) expect(policy.allows(o), o).toBe(false);
    expect(() => addAllowedOrigin(home(), 'https://evil.test')).toThrow();
  });
});
