import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lavapipeIcd, missingNvidiaIcd, systemHasLoader, unpackedLoaderDir, withDrivers } from '../testing/vulkan-layers';
import { probeWebGpu } from './webgpu-probe';

/*
 * Each Vulkan layer below onnxruntime's WebGPU EP, put in or out by path: the real probe child,
 * the real Dawn, the real Debian loader and lavapipe (unpacked by scripts/fetch-vulkan.mjs).
 */
const tmp = mkdtempSync(join(tmpdir(), 'loupe-vk-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const linux = process.platform === 'linux' && process.arch === 'x64';
const loaderDir = unpackedLoaderDir();
const noLoaderDir = join(tmp, 'no-loader');
const FETCH = 'run `node scripts/fetch-vulkan.mjs` (needs apt-get)';

describe.skipIf(!linux)('WebGPU probe, layer by layer', () => {
  it.skipIf(systemHasLoader())(`no Vulkan loader → "install the Vulkan loader", within seconds${systemHasLoader() ? ' — SKIPPED: this system has libvulkan.so.1 installed' : ''}`, async () => {
    const started = Date.now();
    const probe = await probeWebGpu({ env: { ...process.env, LD_LIBRARY_PATH: noLoaderDir } });
    expect(probe).toMatchObject({ usable: false, layer: 'loader' });
    expect(probe.reason).toContain('libvulkan.so.1 is not installed');
    expect(probe.fix).toContain('apt install libvulkan1');
    expect(probe.evidence).toMatch(/Couldn't load Vulkan/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it.skipIf(!loaderDir)(`loader but no driver manifest → VK_ERROR_INCOMPATIBLE_DRIVER, names nvidia_icd.json and NVIDIA_DRIVER_CAPABILITIES${loaderDir ? '' : ` — SKIPPED: ${FETCH}`}`, async () => {
    const empty = join(tmp, 'no-icd');
    const probe = await probeWebGpu({ env: withDrivers(loaderDir!, empty) });
    expect(probe).toMatchObject({ usable: false, layer: 'driver' });
    expect(probe.reason).toContain('VK_ERROR_INCOMPATIBLE_DRIVER');
    expect(probe.reason).toContain(`no driver manifest (ICD .json) in ${empty}`);
    expect(probe.fix).toContain('nvidia_icd.json');
    expect(probe.fix).toContain('NVIDIA_DRIVER_CAPABILITIES');
  });

  it.skipIf(!loaderDir)(`NVIDIA manifest whose driver library is absent → driver layer, naming the library${loaderDir ? '' : ` — SKIPPED: ${FETCH}`}`, async () => {
    const icd = missingNvidiaIcd(join(tmp, 'nvidia'));
    const probe = await probeWebGpu({ env: withDrivers(loaderDir!, icd) });
    expect(probe).toMatchObject({ usable: false, layer: 'driver' });
    expect(probe.reason).toContain(`driver manifests found: ${icd}`);
    expect(probe.reason).toMatch(/did not load .*libGLX_nvidia\.so\.0/);
  });

  const lvp = lavapipeIcd(join(tmp, 'lvp'));
  it.skipIf(!loaderDir || !lvp)(`only lavapipe (a CPU Vulkan driver) → cpu-driver layer with Dawn's missing feature${lvp ? '' : ` — SKIPPED: ${FETCH}`}`, async () => {
    const probe = await probeWebGpu({ env: withDrivers(loaderDir!, lvp!) });
    expect(probe).toMatchObject({ usable: false, layer: 'cpu-driver' });
    expect(probe.reason).toContain('only a CPU Vulkan driver is installed');
    expect(probe.reason).toContain('libvulkan_lvp.so');
    // Mesa 22.3's lavapipe lacks a feature Dawn requires (seen: shaderUniform*ArrayDynamicIndexing)
    expect(probe.evidence).toMatch(/required/);
  });

  it('a probe that does not answer in time is killed and reported as a hang', async () => {
    const probe = await probeWebGpu({ env: { ...process.env, LD_LIBRARY_PATH: noLoaderDir }, timeoutMs: 1 });
    expect(probe).toMatchObject({ usable: false, layer: 'hang' });
    expect(probe.reason).toMatch(/did not finish within 0 s/);
  });
});
