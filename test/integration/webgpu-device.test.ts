import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeWebGpu } from '../../companion/src/engine/device/webgpu-probe';
import { systemHasLoader, unpackedLoaderDir, withDrivers } from '../../companion/src/engine/testing/vulkan-layers';
import { loupe } from '../helpers/cli';

/** The real CLI asked for WebGPU where a Vulkan layer is missing: it stops in seconds with the reason and the fix. */
const work = mkdtempSync(join(tmpdir(), 'loupe-webgpu-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const linux = process.platform === 'linux' && process.arch === 'x64';
const webgpu = await probeWebGpu();
const loaderDir = unpackedLoaderDir();

describe.skipIf(!linux || webgpu.usable)(`loupe start --device webgpu without a usable adapter${webgpu.usable ? ' — SKIPPED: this machine has WebGPU' : ''}`, () => {
  it.skipIf(systemHasLoader())('no Vulkan loader: exits 1 within seconds, naming libvulkan1', async () => {
    const started = Date.now();
    const r = await loupe(['start', '--device', 'webgpu', '--port', '0', '--no-pair'], { LOUPE_HOME: join(work, 'a'), LD_LIBRARY_PATH: join(work, 'no-loader') });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toMatch(/^loupe start: --device webgpu cannot run: the Vulkan loader libvulkan\.so\.1 is not installed .*Fix: install the Vulkan loader: `sudo apt install libvulkan1`.*--device cpu$/);
    expect(r.stdout).not.toContain('listening');
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it.skipIf(!loaderDir)('loader but no GPU driver: exits 1 naming the ICD and the Docker capability', async () => {
    const r = await loupe(['start', '--device', 'webgpu', '--port', '0', '--no-pair'], { LOUPE_HOME: join(work, 'b'), ...withDrivers(loaderDir!, join(work, 'no-icd')) });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/VK_ERROR_INCOMPATIBLE_DRIVER.*nvidia_icd\.json.*NVIDIA_DRIVER_CAPABILITIES/);
  }, 60_000);

  it('doctor shows the WebGPU line and which GPU path this machine can use', async () => {
    const r = await loupe(['doctor', '--json'], { LOUPE_HOME: join(work, 'c') });
    const checks = (JSON.parse(r.stdout) as { checks: Array<{ name: string; level: string; detail: string; fix?: string }> }).checks;
    const line = checks.find((c) => c.name === 'webgpu');
    expect(line?.detail).toContain(`WebGPU unavailable (${webgpu.layer}): ${webgpu.reason}`);
    expect(line?.fix).toBe(webgpu.fix);
    expect(checks.find((c) => c.name === 'gpu-path')?.detail).toMatch(/GPU path|can use/);
  }, 60_000);
});
