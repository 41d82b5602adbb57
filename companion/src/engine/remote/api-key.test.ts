import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resolveBackendApiKey } from './api-key';

const home = mkdtempSync(join(tmpdir(), 'loupe-key-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe('remote backend API key', () => {
  it('takes the key file first, then the environment, then --api-key, then LOUPE_HOME/backend-api-key', () => {
    const file = join(home, 'k');
    writeFileSync(file, 'from-file\n', { mode: 0o600 });
    expect(resolveBackendApiKey({ home, keyFile: file, env: { LOUPE_BACKEND_API_KEY: 'env' } })).toEqual({ key: 'from-file', source: `file ${file}` });
    expect(resolveBackendApiKey({ home, argvKey: 'argv', env: { OPENAI_API_KEY: 'openai' } })).toEqual({ key: 'openai', source: 'OPENAI_API_KEY' });
    expect(resolveBackendApiKey({ home, argvKey: 'argv', env: {} })).toEqual({ key: 'argv', source: '--api-key' });
    expect(resolveBackendApiKey({ home, env: {} })).toEqual({ source: 'none' });
    writeFileSync(join(home, 'backend-api-key'), 'default', { mode: 0o600 });
    expect(resolveBackendApiKey({ home, env: {} }).key).toBe('default');
  });

  it.skipIf(process.platform === 'win32')('refuses a key file other users can read, and a missing one, naming the fix', () => {
    const open = join(home, 'open');
    writeFileSync(open, 'k');
    chmodSync(open, 0o644);
    expect(() => resolveBackendApiKey({ home, keyFile: open, env: {} })).toThrow(/can be read by other users/);
    expect(() => resolveBackendApiKey({ home, env: { LOUPE_BACKEND_API_KEY_FILE: join(home, 'nope') } })).toThrow(/does not exist/);
  });
});
