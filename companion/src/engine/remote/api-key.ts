import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ProtocolError } from '@loupe/shared';

/**
 * Where the remote backend's API key comes from — never only the command line, where `ps`
 * shows it to every user. In order: `--api-key-file` / LOUPE_BACKEND_API_KEY_FILE, the
 * environment (LOUPE_BACKEND_API_KEY, LOUPE_API_KEY, then OPENAI_API_KEY), `--api-key` (kept for old
 * scripts), then LOUPE_HOME/backend-api-key when it exists. A key file must be 0600.
 * The key itself is never logged or shown; `source` says where it came from.
 */
/** LOUPE_API_KEY: the name the security work (issue 13) documents; the same key. */
export const API_KEY_ENV = ['LOUPE_BACKEND_API_KEY', 'LOUPE_API_KEY', 'OPENAI_API_KEY'] as const;
export const API_KEY_FILE_ENV = 'LOUPE_BACKEND_API_KEY_FILE';
export const DEFAULT_KEY_FILE = 'backend-api-key';

export interface BackendKey {
  key?: string;
  /** In words, for logs and errors: "LOUPE_BACKEND_API_KEY", "file ~/.loupe/backend-api-key", "none". */
  source: string;
}

export const keyFileHint = (path: string): string =>
  `Put the key in LOUPE_BACKEND_API_KEY in the environment of \`loupe start\`, or in ${path} (\`chmod 600 ${path}\`).`;

function readKeyFile(path: string, required: boolean): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    if (!required) return undefined;
    throw new ProtocolError('engine_unavailable', `the API key file ${path} does not exist`, `Create it with the key on one line and \`chmod 600 ${path}\`.`);
  }
  // Windows has no POSIX modes: only check where they mean something.
  if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
    throw new ProtocolError('engine_unavailable', `the API key file ${path} can be read by other users (mode ${(st.mode & 0o777).toString(8)})`, `Run \`chmod 600 ${path}\`.`);
  }
  const key = readFileSync(path, 'utf8').trim();
  if (!key) throw new ProtocolError('engine_unavailable', `the API key file ${path} is empty`, `Write the key into ${path} on one line.`);
  return key;
}

export function resolveBackendApiKey(o: { home: string; argvKey?: string | undefined; keyFile?: string | undefined; env?: NodeJS.ProcessEnv }): BackendKey {
  const env = o.env ?? process.env;
  const file = o.keyFile ?? env[API_KEY_FILE_ENV];
  if (file) return { key: readKeyFile(file, true)!, source: `file ${file}` };
  for (const name of API_KEY_ENV) {
    const value = env[name]?.trim();
    if (value) return { key: value, source: name };
  }
  if (o.argvKey) return { key: o.argvKey, source: '--api-key' };
  const fallback = join(o.home, DEFAULT_KEY_FILE);
  const key = readKeyFile(fallback, false);
  return key ? { key, source: `file ${fallback}` } : { source: 'none' };
}
