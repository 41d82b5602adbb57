import { readFileSync, statSync } from 'node:fs';

/** A URL fit for logs, status and error messages: user and password replaced by `***`. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '***';
    u.password = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//***@');
  }
}

/** The URL without its user info, and that user info as a Basic Authorization header. */
export function splitUserinfo(url: string): { url: string; authorization?: string } {
  const u = new URL(url);
  if (!u.username && !u.password) return { url };
  const credentials = `${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`;
  u.username = '';
  u.password = '';
  return { url: u.toString().replace(/\/+$/, ''), authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/**
 * The remote backend's API key: LOUPE_API_KEY, else a file readable only by its owner (mode 0600
 * or stricter — a key in `--api-key` is visible to every local user in `ps`).
 */
export function readApiKey(o: { file?: string; env?: NodeJS.ProcessEnv }): string | undefined {
  const fromEnv = (o.env ?? process.env).LOUPE_API_KEY?.trim();
  if (fromEnv) return fromEnv;
  if (!o.file) return undefined;
  let mode: number;
  try {
    mode = statSync(o.file).mode;
  } catch {
    throw new Error(`--api-key-file: cannot read ${o.file}`);
  }
  if ((mode & 0o077) !== 0) throw new Error(`--api-key-file ${o.file} is readable by others (mode ${(mode & 0o777).toString(8)}): run \`chmod 600 ${o.file}\``);
  const key = readFileSync(o.file, 'utf8').trim();
  if (!key) throw new Error(`--api-key-file ${o.file} is empty`);
  return key;
}
