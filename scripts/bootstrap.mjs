#!/usr/bin/env node
// Entry point for a machine that has only Node and npm: provides pnpm (pinned, from
// the npm registry), installs the workspace offline-safe, then runs start or the tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const toolDir = join(root, '.cache', 'pnpm');
const localPnpm = join(toolDir, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');

const env = {
  ...process.env,
  // Belt and braces: pnpm does not run onnxruntime-node's postinstall anyway, but npm would.
  ONNXRUNTIME_NODE_INSTALL: 'skip',
  ONNXRUNTIME_NODE_INSTALL_CUDA: 'skip',
  // Same for node-llama-cpp (the bench's peer): its postinstall would download/build llama.cpp.
  NODE_LLAMA_CPP_SKIP_DOWNLOAD: 'true',
  npm_config_update_notifier: 'false',
  // Scripts call `pnpm` by name: put the pinned one first on PATH.
  PATH: `${join(toolDir, 'node_modules', '.bin')}${delimiter}${process.env.PATH ?? ''}`,
};

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

function ensurePnpm() {
  if (existsSync(localPnpm)) return;
  console.log(`loupe: fetching pnpm ${pnpmVersion} from the npm registry (once)`);
  run('npm', ['install', '--prefix', toolDir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `pnpm@${pnpmVersion}`]);
}

function pnpm(args) {
  run(process.execPath, [localPnpm, ...args]);
}

const command = process.argv[2] ?? 'install';
ensurePnpm();
const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
pnpm(['install', ...frozen, '--reporter=append-only']);

if (command === 'test') pnpm(['run', 'test:all']);
else if (command === 'start') pnpm(['run', 'start', ...process.argv.slice(3)]);
else if (command !== 'install') {
  console.error(`loupe bootstrap: unknown command "${command}" (use install, start or test)`);
  process.exit(2);
}
