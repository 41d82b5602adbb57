// The build the e2e tests drive: the shipped code plus the test hooks (`globalThis.__loupe`),
// written next to the shipped build as .output/<browser>-mv3-e2e (see wxt.config.ts).
import { spawnSync } from 'node:child_process';

for (const args of [['build'], ['build', '-b', 'firefox']]) {
  const r = spawnSync('wxt', args, { stdio: 'inherit', shell: process.platform === 'win32', env: { ...process.env, LOUPE_TEST_HOOKS: '1' } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
