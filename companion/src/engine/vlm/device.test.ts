import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CUDA_EP_LIBS, describeCudaError, DTYPE_PREFERENCE, deviceSessionOptions, presentOutputNames, probeCuda } from './device';
import { sessionOptionsFor } from './loader';

const dir = mkdtempSync(join(tmpdir(), 'loupe-ep-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CUDA probe', () => {
  it.skipIf(process.platform !== 'linux' || process.arch !== 'x64')('says "no NVIDIA GPU" without one; with one, names the missing EP library files and gpu-setup', async () => {
    const saved = process.env.PATH;
    try {
      process.env.PATH = join(dir, 'empty-bin');
      expect(await probeCuda(dir)).toEqual({ usable: false, reason: 'no NVIDIA GPU: nvidia-smi is not available (no NVIDIA driver installed)' });
      mkdirSync(join(dir, 'bin'), { recursive: true });
      writeFileSync(join(dir, 'bin', 'nvidia-smi'), '#!/bin/sh\necho "NVIDIA Fake GPU, 1024 MiB"\n', { mode: 0o755 });
      process.env.PATH = `${join(dir, 'bin')}:${saved ?? ''}`;
      const probe = await probeCuda(dir);
      expect(probe).toMatchObject({ usable: false, gpu: 'NVIDIA Fake GPU, 1024 MiB', fix: expect.stringContaining('loupe gpu-setup') });
      expect(probe.reason).toContain(join(dir, 'libonnxruntime_providers_cuda.so'));
      writeFileSync(join(dir, CUDA_EP_LIBS[0]!), '');
      writeFileSync(join(dir, CUDA_EP_LIBS[1]!), '');
      expect(await probeCuda(dir)).toEqual({ usable: true, gpu: 'NVIDIA Fake GPU, 1024 MiB' });
    } finally {
      process.env.PATH = saved;
    }
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

describe("the engine's session options (loader.sessionOptionsFor) on WebGPU", () => {
  it('keeps only the decoder present.* outputs on the GPU; the other sessions and CPU are unchanged but for the EP', () => {
    const decoder = sessionOptionsFor('webgpu', 'decoder_model_merged', { layers: 1 });
    expect(decoder.executionProviders).toEqual(['webgpu']);
    expect(decoder.preferredOutputLocation).toEqual({ 'present.0.key': 'gpu-buffer', 'present.0.value': 'gpu-buffer' });
    expect(sessionOptionsFor('webgpu', 'vision_encoder', { layers: 1 }).preferredOutputLocation).toBeUndefined();
    const cpu = sessionOptionsFor('cpu', 'decoder_model_merged', { layers: 1, threads: 2 });
    expect(cpu).toMatchObject({ executionProviders: ['cpu'], intraOpNumThreads: 2 });
    expect(cpu.preferredOutputLocation).toBeUndefined();
  });
});
