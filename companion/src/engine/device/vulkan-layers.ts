import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

/** Where the Vulkan loader looks for driver manifests when no override is set (Linux). */
const DEFAULT_ICD_DIRS = ['/etc/vulkan/icd.d', '/usr/local/share/vulkan/icd.d', '/usr/share/vulkan/icd.d'];
const LOADER_DIRS = ['/usr/lib/x86_64-linux-gnu', '/usr/lib64', '/usr/lib', '/lib/x86_64-linux-gnu', '/usr/local/lib'];

/** Drivers that run Vulkan on the CPU: no GPU behind them. */
const CPU_DRIVER = /lvp|llvmpipe|lavapipe|swiftshader|vk_swiftshader/i;

export interface IcdFile {
  file: string;
  library: string;
  /** lavapipe / SwiftShader: Vulkan on the CPU. */
  cpuOnly: boolean;
  vendor: string;
}

export interface VulkanLayers {
  /** Path of libvulkan.so.1 found by the same search the dynamic linker does, or undefined. */
  loader?: string;
  icds: IcdFile[];
  /** Where the manifests were looked for (an override or the default dirs). */
  icdSearch: string[];
}

function vendorOf(file: string, library: string): string {
  const name = `${basename(file)} ${basename(library)}`;
  if (/nvidia/i.test(name)) return 'NVIDIA';
  if (/radeon|amd/i.test(name)) return 'AMD';
  if (/intel/i.test(name)) return 'Intel';
  if (CPU_DRIVER.test(name)) return 'CPU (lavapipe/SwiftShader)';
  return basename(file, '.json');
}

function readIcd(file: string): IcdFile | undefined {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { ICD?: { library_path?: unknown } };
    const library = typeof raw.ICD?.library_path === 'string' ? raw.ICD.library_path : '';
    return { file, library, cpuOnly: CPU_DRIVER.test(`${basename(file)} ${basename(library)}`), vendor: vendorOf(file, library) };
  } catch {
    return undefined;
  }
}

function manifestsIn(pathOrDir: string): string[] {
  try {
    if (statSync(pathOrDir).isDirectory()) return readdirSync(pathOrDir).filter((f) => f.endsWith('.json')).map((f) => join(pathOrDir, f)).sort();
    return [pathOrDir];
  } catch {
    return [];
  }
}

function ldconfigLoader(): string | undefined {
  try {
    const out = execFileSync('ldconfig', ['-p'], { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    return /libvulkan\.so\.1\s.*=>\s*(\S+)/.exec(out)?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The two Vulkan layers below Dawn, found the way the loader and the dynamic linker find them:
 * LD_LIBRARY_PATH, then ldconfig's cache, then the usual dirs; VK_DRIVER_FILES / VK_ICD_FILENAMES
 * (files or dirs, ':'-separated) replace the default manifest dirs.
 */
export function findVulkanLayers(env: NodeJS.ProcessEnv = process.env): VulkanLayers {
  const libDirs = (env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  const inLibPath = libDirs.map((d) => join(d, 'libvulkan.so.1')).find((p) => existsSync(p));
  const loader = inLibPath ?? ldconfigLoader() ?? LOADER_DIRS.map((d) => join(d, 'libvulkan.so.1')).find((p) => existsSync(p));
  const override = env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES;
  const icdSearch = override ? override.split(':').filter(Boolean) : DEFAULT_ICD_DIRS;
  const icds = icdSearch.flatMap(manifestsIn).map(readIcd).filter((i): i is IcdFile => i !== undefined);
  return { ...(loader ? { loader } : {}), icds, icdSearch };
}
