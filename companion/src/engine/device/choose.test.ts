import { describe, expect, it } from 'vitest';
import { chooseDevice, DeviceUnavailableError, type DeviceProbes } from './choose';

const noCuda = { usable: false, reason: 'CUDA execution provider library missing: /x/libonnxruntime_providers_cuda.so', fix: 'run `loupe gpu-setup` (needs CUDA 12 + cuDNN 9)' };
const noWebGpu = { usable: false, layer: 'loader' as const, reason: 'the Vulkan loader libvulkan.so.1 is not installed', fix: 'install the Vulkan loader: `sudo apt install libvulkan1`' };
const probes = (cuda: boolean, webgpu: boolean): DeviceProbes & { calls: string[] } => {
  const calls: string[] = [];
  return {
    calls,
    cuda: async () => (calls.push('cuda'), cuda ? { usable: true, gpu: 'H200' } : noCuda),
    webgpu: async () => (calls.push('webgpu'), webgpu ? { usable: true } : noWebGpu),
  };
};

describe('device choice', () => {
  it('auto tries CUDA, then WebGPU, then CPU, and says why it moved on at each step', async () => {
    const p = probes(false, false);
    const c = await chooseDevice('auto', { probes: p });
    expect(c.device).toBe('cpu');
    expect(p.calls).toEqual(['cuda', 'webgpu']);
    expect(c.fallbackReason).toBe(
      'CUDA: CUDA execution provider library missing: /x/libonnxruntime_providers_cuda.so (fix: run `loupe gpu-setup` (needs CUDA 12 + cuDNN 9)); WebGPU: the Vulkan loader libvulkan.so.1 is not installed (fix: install the Vulkan loader: `sudo apt install libvulkan1`)',
    );
  });

  it('auto takes CUDA first, WebGPU when CUDA is not there', async () => {
    expect(await chooseDevice('auto', { probes: probes(true, true) })).toMatchObject({ device: 'cuda', skipped: [] });
    const w = await chooseDevice('auto', { probes: probes(false, true) });
    expect(w.device).toBe('webgpu');
    expect(w.fallbackReason).toMatch(/^CUDA: /);
  });

  it('an explicit device that cannot run throws with the reason and the fix; cpu probes nothing', async () => {
    await expect(chooseDevice('webgpu', { probes: probes(true, false) })).rejects.toThrow(/^--device webgpu cannot run: the Vulkan loader libvulkan\.so\.1 is not installed\. Fix: install the Vulkan loader/);
    await expect(chooseDevice('cuda', { probes: probes(false, true) })).rejects.toBeInstanceOf(DeviceUnavailableError);
    const p = probes(false, false);
    expect(await chooseDevice('cpu', { probes: p })).toMatchObject({ device: 'cpu' });
    expect(p.calls).toEqual([]);
  });

  it('after a GPU failure mid-job auto stays on the CPU and says so; an explicit GPU is tried again', async () => {
    const c = await chooseDevice('auto', { gpuFailure: 'the WebGPU device was lost', probes: probes(true, true) });
    expect(c).toMatchObject({ device: 'cpu' });
    expect(c.fallbackReason).toContain('the GPU failed during a job (the WebGPU device was lost)');
    expect(await chooseDevice('webgpu', { gpuFailure: 'lost', probes: probes(false, true) })).toMatchObject({ device: 'webgpu' });
  });
});
