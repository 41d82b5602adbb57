import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CUDA_EP_LIBS, describeCudaError, DTYPE_PREFERENCE, deviceSessionOptions, presentOutputNames, probeCuda } from './device';

const dir = mkdtempSync(join(tmpdir(), 'loupe-ep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CUDA probe', () => {
  it.skipIf(process.platform !== 'linux' || process.arch !== 'x64')('names the missing EP library files', async () => {
    const probe = await probeCuda(dir);
    expect(probe.usable).toBe(false);
    expect(probe.reason).toContain(join(dir, 'libonnxruntime_providers_cuda.so'));
    writeFileSync(join(dir, CUDA_EP_LIBS[0]!), '');
    writeFileSync(join(dir, CUDA_EP_LIBS[1]!), '');
    const withLibs = await probeCuda(dir);
    // with the libraries present the remaining question is the GPU itself
    if (!withLibs.usable) expect(withLibs.reason).toMatch(/no NVIDIA GPU/);
  });

  it('words CUDA session failures', () => {
    expect(describeCudaError(new Error('CUDA failure 2: out of memory ; GPU=0'))).toMatch(/^out of GPU memory/);
    expect(describeCudaError(new Error('Failed to load shared library libcudnn.so.9'))).toMatch(/cuDNN 9/);
    expect(describeCudaError(new Error('something else'))).toBe('CUDA session failed: something else');
  });
});

describe('session options per device', () => {
  it('WebGPU keeps the decoder present.* outputs in GPU buffers; other devices and sessions get only their EP', () => {
    const presentOutputs = presentOutputNames(2);
    expect(presentOutputs).toEqual(['present.0.key', 'present.0.value', 'present.1.key', 'present.1.value']);
    expect(deviceSessionOptions('webgpu', { presentOutputs })).toEqual({
      executionProviders: ['webgpu'],
      preferredOutputLocation: { 'present.0.key': 'gpu-buffer', 'present.0.value': 'gpu-buffer', 'present.1.key': 'gpu-buffer', 'present.1.value': 'gpu-buffer' },
    });
    expect(deviceSessionOptions('webgpu')).toEqual({ executionProviders: ['webgpu'] });
    expect(deviceSessionOptions('cuda', { presentOutputs })).toEqual({ executionProviders: ['cuda'] });
    expect(deviceSessionOptions('cpu')).toEqual({ executionProviders: ['cpu'] });
  });

  it('f16 weights are the default dtype on WebGPU, as on CUDA', () => {
    expect(DTYPE_PREFERENCE.webgpu[0]).toBe('q4f16');
    expect(DTYPE_PREFERENCE.cpu[0]).toBe('q4');
  });
});
