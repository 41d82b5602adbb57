#!/usr/bin/env node
// Entry point for a machine that has only Node and npm: provides pnpm (pinned, from
// the npm registry), installs the workspace offline-safe, links the `loupe` command,
// then builds, starts or tests. LOUPE_DRY_RUN=1 prints each step instead of running it.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pnpmVersion = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const toolDir = join(root, '.cache', 'pnpm');
const localPnpm = join(toolDir, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
const loupeEntry = join(root, 'companion', 'bin', 'loupe.mjs');
const dryRun = process.env.LOUPE_DRY_RUN === '1';

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
  if (dryRun) {
    console.log(`[dry run] ${[cmd === process.execPath ? 'node' : cmd, ...args].join(' ')}`);
    return;
  }
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

/** pnpm keeps a copy of the lockfile it installed: equal means node_modules is current. */
function installed() {
  try {
    return readFileSync(join(root, 'node_modules', '.pnpm', 'lock.yaml'), 'utf8') === readFileSync(join(root, 'pnpm-lock.yaml'), 'utf8');
  } catch {
    return false;
  }
}

function install({ always }) {
  ensurePnpm();
  if (!always && installed()) return;
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  pnpm(['install', ...frozen, '--reporter=append-only']);
}

/**
 * The WebGPU layer tests put the Vulkan loader / a CPU Vulkan driver in or out by path: unpack
 * them into .cache/vulkan (never installed system-wide). Optional: without apt they skip.
 */
async function fetchTestLayers() {
  if (dryRun) return;
  await import('./fetch-vulkan.mjs').then((m) => m.fetchVulkan()).catch((e) => console.log(`loupe: Vulkan test layers skipped (${e.message})`));
}

/**
 * Puts a `loupe` command in the user's bin folder (LOUPE_BIN_DIR, default ~/.local/bin):
 * a two-line shim that runs this checkout's CLI, so no global pnpm or npm prefix is needed.
 */
function linkBin() {
  const dir = resolve(process.env.LOUPE_BIN_DIR || join(homedir(), '.local', 'bin'));
  const windows = process.platform === 'win32';
  const shim = join(dir, windows ? 'loupe.cmd' : 'loupe');
  const text = windows ? `@echo off\r\nnode "${loupeEntry}" %*\r\n` : `#!/bin/sh\nexec node "${loupeEntry}" "$@"\n`;
  if (dryRun) {
    console.log(`[dry run] write ${shim}`);
    return;
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(shim, text);
  if (!windows) chmodSync(shim, 0o755);
  const onPath = (process.env.PATH ?? '').split(delimiter).some((p) => p && resolve(p) === dir);
  console.log(`loupe: linked the \`loupe\` command: ${shim}`);
  if (!onPath) {
    console.log(`loupe: ${dir} is not on your PATH. Add it (e.g. \`export PATH="${dir}:$PATH"\` in ~/.profile),`);
    console.log(`       or run \`node ${loupeEntry} <command>\` — the same CLI.`);
  }
}

const [command = 'install', ...rest] = process.argv.slice(2);
switch (command) {
  case 'install':
    install({ always: true });
    await fetchTestLayers();
    linkBin();
    break;
  case 'build':
    install({ always: false });
    pnpm(['--filter', '@loupe/extension', 'build']);
    break;
  case 'build:e2e':
    // The extension with its test hooks, into separate -e2e output folders (never shipped).
    install({ always: false });
    pnpm(['--filter', '@loupe/extension', 'build:e2e']);
    break;
  case 'start':
    install({ always: true });
    linkBin();
    pnpm(['--filter', '@loupe/extension', 'build']);
    run(process.execPath, [loupeEntry, 'start', ...rest]);
    break;
  case 'test':
    install({ always: true });
    await fetchTestLayers();
    pnpm(['run', 'test:all']);
    break;
  case 'pnpm':
    // The pinned pnpm for package scripts, so none of them needs a global one.
    install({ always: false });
    pnpm(rest);
    break;
  default:
    console.error(`loupe bootstrap: unknown command "${command}" (use install, build, build:e2e, start, test or pnpm <args>)`);
    process.exit(2);
}
