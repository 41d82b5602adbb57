#!/usr/bin/env node
// Fetches Debian's Vulkan loader (libvulkan1) and Mesa's Vulkan drivers (mesa-vulkan-drivers:
// lavapipe, a CPU Vulkan driver) into .cache/vulkan without installing them system-wide, so the
// WebGPU layer tests can put each layer in or out with LD_LIBRARY_PATH / VK_ICD_FILENAMES, and
// scripts/gpu-bench can pack the loader. Needs apt-get + dpkg-deb (Debian/Ubuntu); elsewhere it
// says so and exits 0 (the tests that need a layer then skip and say why).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const VULKAN_CACHE = join(root, '.cache', 'vulkan');
const PACKAGES = { loader: 'libvulkan1', mesa: 'mesa-vulkan-drivers' };

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export function fetchVulkan({ quiet = false } = {}) {
  const say = (m) => quiet || console.log(`loupe: ${m}`);
  if (process.platform !== 'linux' || !has('apt-get') || !has('dpkg-deb')) {
    say('Vulkan test layers not fetched (needs Linux with apt-get and dpkg-deb); the WebGPU layer tests that need them will skip');
    return false;
  }
  const debs = join(VULKAN_CACHE, 'debs');
  mkdirSync(debs, { recursive: true });
  for (const [dir, pkg] of Object.entries(PACKAGES)) {
    const target = join(VULKAN_CACHE, dir);
    if (existsSync(join(target, 'usr'))) continue;
    if (!readdirSync(debs).some((f) => f.startsWith(`${pkg}_`))) {
      const r = spawnSync('apt-get', ['download', pkg], { cwd: debs, encoding: 'utf8' });
      if (r.status !== 0) {
        say(`could not download ${pkg} with apt-get (${(r.stderr || '').trim().split('\n').pop()}); the WebGPU layer tests that need it will skip`);
        return false;
      }
    }
    const deb = readdirSync(debs).find((f) => f.startsWith(`${pkg}_`) && f.endsWith('.deb'));
    mkdirSync(target, { recursive: true });
    const x = spawnSync('dpkg-deb', ['-x', join(debs, deb), target], { encoding: 'utf8' });
    if (x.status !== 0) {
      say(`could not unpack ${deb}: ${x.stderr.trim()}`);
      return false;
    }
  }
  say(`Vulkan loader and lavapipe unpacked in ${VULKAN_CACHE} (not installed system-wide)`);
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) fetchVulkan();
