/**
 * DNS-rebinding defence: the Host header must name the loopback address we listen on,
 * spelled exactly one of three ways. Everything else (other names, `localhost6`,
 * `127.1`, `0x7f.1`, `2130706433`, no port, empty) is refused.
 */
export function allowedHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  return allowedHosts(port).has(host.toLowerCase());
}
