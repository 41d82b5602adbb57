import { GPU_SETUP_HINT, probeCuda, type CudaProbe } from './cuda';
import { DEVICE_LABEL, type Device, type DeviceRequest } from './request';
import { probeWebGpu } from './webgpu-probe';
import type { WebGpuProbe } from './webgpu-words';

/** One device auto moved past, and why, in words a user can act on. */
export interface SkippedDevice {
  device: Device;
  reason: string;
  fix?: string;
}

export interface DeviceChoice {
  device: Device;
  skipped: SkippedDevice[];
  /** Set when auto did not get the first GPU it tried: every step's reason, one line. */
  fallbackReason?: string;
}

export interface DeviceProbes {
  cuda: () => Promise<CudaProbe>;
  webgpu: () => Promise<WebGpuProbe>;
}

const defaultProbes: DeviceProbes = { cuda: () => probeCuda(), webgpu: () => probeWebGpu() };

/** An explicit --device that cannot run here; the message carries the fix across the engine-host boundary. */
export class DeviceUnavailableError extends Error {
  readonly code = 'engine_unavailable';
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(`${message}. Fix: ${fix}`);
    this.name = 'DeviceUnavailableError';
  }
}

export const describeSkipped = (skipped: SkippedDevice[]): string => skipped.map((s) => `${DEVICE_LABEL[s.device]}: ${s.reason}${s.fix ? ` (fix: ${s.fix})` : ''}`).join('; ');

/**
 * auto: CUDA when its EP libraries and a GPU are there, then WebGPU, then CPU. An explicit
 * device that cannot run throws with the reason and the fix instead of falling back.
 */
export async function chooseDevice(request: DeviceRequest, o: { gpuFailure?: string; probes?: DeviceProbes } = {}): Promise<DeviceChoice> {
  if (request === 'cpu') return { device: 'cpu', skipped: [] };
  // The GPU already failed mid-job in this daemon: auto stays on the CPU rather than fail again.
  if (request === 'auto' && o.gpuFailure) return { device: 'cpu', skipped: [], fallbackReason: `the GPU failed during a job (${o.gpuFailure}); restart Loupe to try the GPU again` };
  const probes = o.probes ?? defaultProbes;
  const skipped: SkippedDevice[] = [];
  if (request === 'cuda' || request === 'auto') {
    const cuda = await probes.cuda();
    if (cuda.usable) return { device: 'cuda', skipped };
    if (request === 'cuda') throw new DeviceUnavailableError(`--device cuda cannot run: ${cuda.reason ?? 'unknown'}`, GPU_SETUP_HINT);
    skipped.push({ device: 'cuda', reason: cuda.reason ?? 'not usable', ...(cuda.fix ? { fix: cuda.fix } : {}) });
  }
  const webgpu = await probes.webgpu();
  if (webgpu.usable) return { device: 'webgpu', skipped, ...(skipped.length ? { fallbackReason: describeSkipped(skipped) } : {}) };
  if (request === 'webgpu') throw new DeviceUnavailableError(`--device webgpu cannot run: ${webgpu.reason ?? 'unknown'}`, `${webgpu.fix ?? 'check `loupe doctor`'}; or start with --device cpu`);
  skipped.push({ device: 'webgpu', reason: webgpu.reason ?? 'not usable', ...(webgpu.fix ? { fix: webgpu.fix } : {}) });
  return { device: 'cpu', skipped, fallbackReason: describeSkipped(skipped) };
}
