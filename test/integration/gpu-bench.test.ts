import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeWebGpu } from '../../companion/src/engine/device/webgpu-probe';
import { unpackedLoaderDir } from '../../companion/src/engine/testing/vulkan-layers';
import { REPO_ROOT } from '../helpers/daemon';

/**
 * scripts/gpu-bench.sh up to the point where it needs a GPU: the real pack (node binary from npm,
 * bundled companion, onnxruntime, Vulkan loader) within 64 MiB, and the run stopping at the first
 * missing GPU layer with the fix. The pack here uses xz -1 (faster, larger than the default -6) and leaves out the llama.cpp peer.
 */
const work = mkdtempSync(join(tmpdir(), 'loupe-gpu-bench-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const linux = process.platform === 'linux' && process.arch === 'x64';
const webgpu = linux ? await probeWebGpu() : undefined;
const canPack = linux && unpackedLoaderDir() !== undefined;

function sh(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr, ms: Date.now() - started }));
  });
}

describe.skipIf(!canPack || webgpu?.usable)(`GPU bench without a GPU${canPack ? '' : ' — SKIPPED: needs linux-x64 and `node scripts/fetch-vulkan.mjs` (apt-get)'}`, () => {
  // Without the llama.cpp peer, at xz -1 (fast): 50.4 MiB measured. The default pack (xz -6, with
  // the peer) measured 55.6 MiB; it takes minutes to compress, too long for this suite.
  it('packs node, the bundled companion, onnxruntime and the Vulkan loader into at most 64 MiB', async () => {
    const r = await sh(process.execPath, ['scripts/gpu-bench/pack.mjs'], { LOUPE_PACK_OUT_DIR: work, LOUPE_PACK_XZ_LEVEL: '1', LOUPE_PACK_LLAMA: '0' });
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(work, 'pack-manifest.json'), 'utf8')) as { bytes: number; limit: number; parts: Record<string, { bytes: number }> };
    expect(manifest.limit).toBe(64 * 1024 * 1024);
    expect(manifest.bytes).toBeLessThanOrEqual(manifest.limit);
    // the real things, not stubs: a node binary, onnxruntime's library, the loader
    expect(manifest.parts.node!.bytes).toBeGreaterThan(50e6);
    expect(manifest.parts.node_modules!.bytes).toBeGreaterThan(45e6);
    expect(manifest.parts.vulkan!.bytes).toBeGreaterThan(100e3);
  }, 900_000);

  it('run stops at the first missing GPU layer, within seconds, with the fix (exit 3)', async () => {
    const r = await sh('bash', ['scripts/gpu-bench.sh', 'run', '--work', join(work, 'run'), '--out', join(work, 'result.json')], { LOUPE_GPU_BENCH_PACK: join(work, 'loupe-gpu-bench.tar.xz') });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/gpu-bench: FAIL: (WebGPU unavailable \((loader|driver|cpu-driver|adapter)\): .* — fix: |the NVIDIA driver's Vulkan part is missing)/);
    expect(r.stderr).toContain('gpu-bench: Vulkan loader:');
    expect(r.ms).toBeLessThan(120_000);
  }, 180_000);
});
