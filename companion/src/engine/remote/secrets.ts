
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
