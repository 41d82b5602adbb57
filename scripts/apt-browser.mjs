// Installs a Debian browser package for the e2e tests when its binary is missing (root, or passwordless sudo).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * @param {{ binary: string, apt: string, envVar: string, what: string }} o the binary to look for, the
 *   apt package that provides it, the variable that points elsewhere, and what that variable must name.
 */
export function ensureAptBrowser(o) {
  if (existsSync(o.binary)) return;
  const prefix = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const sh = (args) => {
    const [cmd, ...rest] = [...prefix, ...args];
    return spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  console.log(`loupe: installing Debian ${o.apt} for the e2e tests (apt-get)`);
  if (!sh(['apt-get', 'update', '-q']) || !sh(['apt-get', 'install', '-y', '-q', '--no-install-recommends', o.apt, 'fonts-noto-cjk'])) {
    console.error(`loupe: could not install ${o.apt}. Fix: run "sudo apt-get install ${o.apt}" or set ${o.envVar} to ${o.what}.`);
    process.exit(1);
  }
}
