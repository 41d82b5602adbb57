#!/usr/bin/env node
// The Firefox e2e project drives Debian's Firefox ESR. Install it when missing (root, or passwordless sudo).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const FIREFOX = process.env.LOUPE_FIREFOX ?? '/usr/bin/firefox-esr';
if (existsSync(FIREFOX)) process.exit(0);

const asRoot = process.getuid?.() === 0;
const prefix = asRoot ? [] : ['sudo', '-n'];
function sh(args) {
  const [cmd, ...rest] = [...prefix, ...args];
  const r = spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}
console.log('loupe: installing Debian firefox-esr for the e2e tests (apt-get)');
if (!sh(['apt-get', 'update', '-q']) || !sh(['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'firefox-esr', 'fonts-noto-cjk'])) {
  console.error(`loupe: could not install firefox-esr. Fix: run "sudo apt-get install firefox-esr" or set LOUPE_FIREFOX to a Firefox (≥ 128) binary.`);
  process.exit(1);
}
