#!/usr/bin/env node
// E2E tests drive Debian's Chromium. Install it when missing (root, or passwordless sudo).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = process.env.LOUPE_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);

const asRoot = process.getuid?.() === 0;
const prefix = asRoot ? [] : ['sudo', '-n'];
function sh(args) {
  const [cmd, ...rest] = [...prefix, ...args];
  const r = spawnSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  return r.status === 0;
}
console.log('loupe: installing Debian chromium for the e2e tests (apt-get)');
if (!sh(['apt-get', 'update', '-q']) || !sh(['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'chromium', 'fonts-noto-cjk'])) {
  console.error(`loupe: could not install chromium. Fix: run "sudo apt-get install chromium" or set LOUPE_CHROMIUM to a Chromium binary.`);
  process.exit(1);
}
