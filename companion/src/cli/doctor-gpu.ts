import { adapterInfo, formatAdapter } from '../engine/device/adapter-info';
import { probeWebGpu } from '../engine/device/webgpu-probe';
import type { WebGpuProbe } from '../engine/device/webgpu-words';
import type { Check } from './doctor';

/**
 * The WebGPU line (onnxruntime-node's bundled Dawn on Vulkan: nothing to download) and which GPU
 * path this machine can use: CUDA (after `loupe gpu-setup`), WebGPU, or none.
 */
export async function webgpuChecks(o: { nvidiaGpus: number; cudaEpInstalled: boolean; probe?: WebGpuProbe }): Promise<Check[]> {
  const probe = o.probe ?? (await probeWebGpu());
  const checks: Check[] = [];
  if (probe.usable) {
    const adapters = await adapterInfo(probe.layers);
    const which = adapters.length ? adapters.map(formatAdapter).join('; ') : 'adapter details unavailable (no nvidia-smi or sysfs entry)';
    checks.push({ name: 'webgpu', level: 'ok', detail: `WebGPU works (Vulkan driver: ${probe.layers?.icds.map((i) => i.vendor).join(', ') || '?'}): ${which}` });
  } else {
    // Without any GPU, WebGPU failing is expected; with an NVIDIA GPU it is a fixable gap.
    checks.push({ name: 'webgpu', level: o.nvidiaGpus > 0 ? 'warn' : 'info', detail: `WebGPU unavailable (${probe.layer}): ${probe.reason}`, ...(probe.fix ? { fix: probe.fix } : {}) });
  }
  const paths: string[] = [];
  if (o.cudaEpInstalled && o.nvidiaGpus > 0) paths.push('CUDA (`--device cuda`)');
  if (probe.usable) paths.push('WebGPU (`--device webgpu`, nothing to download)');
  if (paths.length) checks.push({ name: 'gpu-path', level: 'ok', detail: `this machine can use: ${paths.join(' and ')}; \`--device auto\` picks the first` });
  else if (o.nvidiaGpus > 0) checks.push({ name: 'gpu-path', level: 'warn', detail: 'an NVIDIA GPU is present but no GPU path works yet', fix: `fix the WebGPU line above (no download), or run \`loupe gpu-setup\` for CUDA` });
  else checks.push({ name: 'gpu-path', level: 'info', detail: 'no GPU path: the VLM runs on the CPU (`--device auto` says why in /v1/status and the panel)' });
  return checks;
}
