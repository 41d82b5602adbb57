import type { VulkanLayers } from './vulkan-layers';
import type { ChildOutcome } from './webgpu-probe';

/** Which layer below onnxruntime's WebGPU EP stopped it, top to bottom of the stack. */
export type WebGpuLayer = 'platform' | 'loader' | 'driver' | 'cpu-driver' | 'adapter' | 'hang' | 'crash' | 'session';

export interface WebGpuProbe {
  usable: boolean;
  layer?: WebGpuLayer;
  /** What is wrong, in words (undefined when usable). */
  reason?: string;
  /** What to do about it. */
  fix?: string;
  /** Dawn's own line that told us, for bug reports. */
  evidence?: string;
  layers?: VulkanLayers;
}

export const NVIDIA_VULKAN_FIX =
  "for NVIDIA: install the driver's Vulkan part (the ICD file nvidia_icd.json in /usr/share/vulkan/icd.d or /etc/vulkan/icd.d, with libGLX_nvidia.so.0 — Debian: the nvidia-vulkan-icd package, Ubuntu: libnvidia-gl-<driver version>); in Docker set NVIDIA_DRIVER_CAPABILITIES=compute,utility,graphics (or all); for AMD/Intel: `sudo apt install mesa-vulkan-drivers`";

const firstLine = (s: string) => s.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

/** The Dawn/loader warning lines (not the stack locations) that name a layer. */
function dawnLines(stderr: string): string[] {
  return stderr
    .split('\n')
    .map((l) => l.trim().replace(/^Warning: /, ''))
    .filter((l) => l && !l.startsWith('at ') && !l.startsWith('- While'));
}

/** Turns what the probe child saw into one layer, a reason and a fix a user can act on. */
export function diagnoseWebGpu(o: { platform: NodeJS.Platform; layers?: VulkanLayers; outcome: ChildOutcome; timeoutMs: number }): WebGpuProbe {
  const { outcome, layers } = o;
  const base = layers ? { layers } : {};
  if (outcome.ok) return { usable: true, ...base };
  const stderr = outcome.stderr;
  const lines = dawnLines(stderr);
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  const fail = (layer: WebGpuLayer, reason: string, fix: string, evidence?: string): WebGpuProbe => ({ usable: false, layer, reason, fix, ...(evidence ? { evidence } : {}), ...base });

  if (outcome.timedOut) {
    return fail('hang', `the WebGPU probe did not finish within ${Math.round(o.timeoutMs / 1000)} s (a GPU driver hung while starting)`, 'update or reinstall the GPU driver, or use --device cpu', find(/./));
  }
  if (outcome.exit && outcome.error === undefined) {
    return fail('crash', `the WebGPU probe process died (${outcome.exit}) while starting the GPU driver`, 'update or reinstall the GPU driver, or use --device cpu', find(/./));
  }
  const loaderLine = find(/Couldn't load Vulkan|libvulkan\.so\.1: cannot open/);
  if (loaderLine || (layers && !layers.loader && /No supported adapters/.test(outcome.error ?? ''))) {
    return fail('loader', 'the Vulkan loader libvulkan.so.1 is not installed (WebGPU runs on Vulkan here)', 'install the Vulkan loader: `sudo apt install libvulkan1` (Fedora: `sudo dnf install vulkan-loader`)', loaderLine);
  }
  const noDriver = find(/VK_ERROR_INCOMPATIBLE_DRIVER|Found no drivers/);
  if (noDriver) {
    const broken = lines.filter((l) => /Failed loading library associated with ICD JSON|cannot open shared object file/.test(l) && !/libvulkan\.so/.test(l));
    const seen = layers?.icds.length ? `driver manifests found: ${layers.icds.map((i) => i.file).join(', ')}` : `no driver manifest (ICD .json) in ${layers?.icdSearch.join(', ') ?? 'the Vulkan search path'}`;
    const why = broken.length ? `; the driver library did not load (${broken[0]})` : '';
    return fail('driver', `the Vulkan loader is installed but found no GPU driver for it (VK_ERROR_INCOMPATIBLE_DRIVER: ${seen}${why})`, NVIDIA_VULKAN_FIX, noDriver);
  }
  const missingFeature = find(/required\.?$|not supported|is required/);
  const onlyCpu = layers !== undefined && layers.icds.length > 0 && layers.icds.every((i) => i.cpuOnly);
  if (onlyCpu || (missingFeature && /llvmpipe|lavapipe/i.test(stderr))) {
    return fail(
      'cpu-driver',
      `only a CPU Vulkan driver is installed (${layers?.icds.map((i) => i.library || i.file).join(', ') || 'lavapipe/llvmpipe'})${missingFeature ? ` and Dawn rejects it: "${missingFeature}"` : ''}; there is no GPU behind it`,
      `install your GPU's Vulkan driver (${NVIDIA_VULKAN_FIX}), or use --device cpu`,
      missingFeature,
    );
  }
  const error = outcome.error ?? outcome.exit ?? 'unknown';
  if (/No supported adapters|Failed to get a WebGPU adapter/.test(error)) {
    const detail = missingFeature ? `; Dawn says: "${missingFeature}"` : '';
    return fail('adapter', `Vulkan has a driver but WebGPU found no adapter it can use${detail}`, `check that the GPU is visible (\`nvidia-smi\`, or \`vulkaninfo --summary\` from the vulkan-tools package) and its driver is current; ${NVIDIA_VULKAN_FIX}`, missingFeature);
  }
  if (o.platform !== 'linux' && o.platform !== 'win32' && o.platform !== 'darwin') {
    return fail('platform', `onnxruntime-node has no WebGPU build for ${o.platform}`, 'use --device cpu');
  }
  return fail('session', `a WebGPU session could not start: ${firstLine(error).replace(/^.*?\.cc:\d+ [^ ]+ /, '')}`, 'use --device cpu, and report this with `loupe doctor --json`', find(/./));
}

/** A WebGPU failure during a job that leaves the device unusable (the engine must restart or fall back). */
export function isGpuDeviceFailure(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /device (was )?lost|DeviceLost|WebGPU device lost|out of memory|OutOfMemory|Failed to allocate|VK_ERROR_DEVICE_LOST|VK_ERROR_OUT_OF_DEVICE_MEMORY/i.test(message);
}

/** Names a mid-job WebGPU failure in words. */
export function describeWebGpuError(error: unknown): string {
  const message = firstLine(error instanceof Error ? error.message : String(error));
  if (/out of memory|OutOfMemory|Failed to allocate|OUT_OF_DEVICE_MEMORY/i.test(message)) return `out of GPU memory on WebGPU (${message}); use a smaller model or dtype, a smaller image, or close other GPU programs`;
  if (/lost/i.test(message)) return `the WebGPU device was lost (${message}): the GPU driver reset or the GPU went away`;
  return `WebGPU session failed: ${message}`;
}
