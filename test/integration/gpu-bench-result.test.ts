import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/daemon';

const work = mkdtempSync(join(tmpdir(), 'loupe-gpu-result-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the GPU bench JSON (scripts/gpu-bench/result.mjs, as gpu-bench.sh calls it)', () => {
  it('keeps each device run as the bench printed it, adds peak GPU memory, and says what was skipped', () => {
    writeFileSync(join(work, 'webgpu.json'), 'log line the bench may print\n{"vlm_real":{"decode_tok_s_1k":1}}\n');
    writeFileSync(join(work, 'webgpu.mem'), '1200\n5300\n7100\n6900\n');
    const out = join(work, 'result.json');
    const r = spawnSync(process.execPath, ['scripts/gpu-bench/result.mjs', work, out, 'qwen2.5-vl-3b', 'NVIDIA H200, 570.86, 143771 MiB', 'system', 'CUDA EP libraries not present', '42'], { cwd: REPO_ROOT, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
    expect(result).toMatchObject({
      schema: 'loupe-gpu-bench/1',
      size: 'qwen2.5-vl-3b',
      dtype: 'q4f16',
      wallS: 42,
      machine: { gpu: 'NVIDIA H200, 570.86, 143771 MiB', vulkanLoader: 'system' },
      webgpu: { bench: { vlm_real: { decode_tok_s_1k: 1 } }, peakGpuMemoryMb: 7100, baselineGpuMemoryMb: 1200, samples: 4 },
      cuda: { skipped: 'CUDA EP libraries not present' },
    });
    expect(String(result.note)).toContain('random weights');
  });
});
