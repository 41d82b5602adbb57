import { describe, expect, it } from 'vitest';
import type { VulkanLayers } from './vulkan-layers';
import { describeWebGpuError, diagnoseWebGpu, isGpuDeviceFailure } from './webgpu-words';

const NO_ADAPTER = "/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:136 onnxruntime::webgpu::WebGpuContext::Initialize(...)::<lambda()> adapter_result.status == wgpu::RequestAdapterStatus::Success was false. Failed to get a WebGPU adapter: No supported adapters\n";
const nvidia: VulkanLayers = { loader: '/usr/lib/x86_64-linux-gnu/libvulkan.so.1', icds: [{ file: '/usr/share/vulkan/icd.d/nvidia_icd.json', library: 'libGLX_nvidia.so.0', cpuOnly: false, vendor: 'NVIDIA' }], icdSearch: ['/usr/share/vulkan/icd.d'] };
const diagnose = (stderr: string, extra: Partial<Parameters<typeof diagnoseWebGpu>[0]['outcome']> = {}, layers: VulkanLayers | undefined = nvidia) =>
  diagnoseWebGpu({ platform: 'linux', ...(layers ? { layers } : {}), outcome: { ok: false, error: NO_ADAPTER, stderr, ...extra }, timeoutMs: 20_000 });

describe('WebGPU diagnosis (what Dawn printed → one layer, reason and fix)', () => {
  it('a GPU driver present but no adapter Dawn accepts is the adapter layer, quoting Dawn', () => {
    const p = diagnose('Warning: Vulkan 1.0 is required.\n - While initializing adapter (backend=BackendType::Vulkan)\n    at InitializeImpl (x.cpp:1)\n');
    expect(p).toMatchObject({ usable: false, layer: 'adapter' });
    expect(p.reason).toContain('Dawn says: "Vulkan 1.0 is required."');
    expect(p.fix).toContain('nvidia-smi');
  });

  it('a working probe is usable', () => {
    expect(diagnoseWebGpu({ platform: 'linux', layers: nvidia, outcome: { ok: true, stderr: '' }, timeoutMs: 1 })).toMatchObject({ usable: true });
  });

  it('a child that died (driver crash) is the crash layer', () => {
    const p = diagnoseWebGpu({ platform: 'linux', layers: nvidia, outcome: { ok: false, stderr: 'Segmentation fault', exit: 'signal SIGSEGV' }, timeoutMs: 1 });
    expect(p).toMatchObject({ layer: 'crash' });
    expect(p.reason).toContain('signal SIGSEGV');
  });

  it('an unknown session error keeps its text without the source location', () => {
    const p = diagnose('', { error: '/onnxruntime_src/x.cc:12 onnxruntime::Foo() something odd happened' });
    expect(p).toMatchObject({ layer: 'session', reason: 'a WebGPU session could not start: something odd happened' });
  });

  it('words mid-job failures and tells device failures from others', () => {
    expect(isGpuDeviceFailure(new Error('WebGPU device lost (2): Device was destroyed.'))).toBe(true);
    expect(isGpuDeviceFailure(new Error('Failed to allocate buffer: OutOfMemory'))).toBe(true);
    expect(isGpuDeviceFailure(new Error('input x has a wrong shape'))).toBe(false);
    expect(describeWebGpuError(new Error('Failed to allocate buffer'))).toMatch(/^out of GPU memory on WebGPU .*smaller model/);
    expect(describeWebGpuError(new Error('WebGPU device lost (2)'))).toMatch(/^the WebGPU device was lost/);
  });
});
