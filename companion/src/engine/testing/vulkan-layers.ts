import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findVulkanLayers } from '../device/vulkan-layers';

/**
 * For tests: the Vulkan layers unpacked by scripts/fetch-vulkan.mjs (Debian's libvulkan1 and
 * mesa-vulkan-drivers in .cache/vulkan), and environments that put each layer in or out.
 */
const CACHE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', '.cache', 'vulkan');
const LIB = 'usr/lib/x86_64-linux-gnu';

export const unpackedLoaderDir = (): string | undefined => {
  const dir = join(CACHE, 'loader', LIB);
  return existsSync(join(dir, 'libvulkan.so.1')) ? dir : undefined;
};

/** The system has its own loader: "no loader" cannot be simulated by a library path. */
export const systemHasLoader = (): boolean => findVulkanLayers({ LD_LIBRARY_PATH: '' }).loader !== undefined;

/** lavapipe's ICD manifest rewritten to point at the unpacked library (under dir). */
export function lavapipeIcd(dir: string): string | undefined {
  const manifest = join(CACHE, 'mesa', 'usr/share/vulkan/icd.d/lvp_icd.x86_64.json');
  const library = join(CACHE, 'mesa', LIB, 'libvulkan_lvp.so');
  if (!existsSync(manifest) || !existsSync(library)) return undefined;
  const raw = JSON.parse(readFileSync(manifest, 'utf8')) as { ICD: { library_path: string } };
  raw.ICD.library_path = library;
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'lvp_icd.x86_64.json');
  writeFileSync(out, JSON.stringify(raw));
  return out;
}

/** An NVIDIA-like manifest whose driver library is not there (the Docker case without "graphics"). */
export function missingNvidiaIcd(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const out = join(dir, 'nvidia_icd.json');
  writeFileSync(out, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: join(dir, 'absent', 'libGLX_nvidia.so.0'), api_version: '1.3.0' } }));
  return out;
}

/** An environment where the loader finds only these manifests (files or a dir). */
export const withDrivers = (loaderDir: string, drivers: string): NodeJS.ProcessEnv => ({ ...process.env, LD_LIBRARY_PATH: loaderDir, VK_ICD_FILENAMES: drivers, VK_DRIVER_FILES: drivers });
