#!/usr/bin/env node
// The one JSON scripts/gpu-bench.sh writes: each device's `loupe bench --only vlm-real --json`
// output as it is, with the peak GPU memory nvidia-smi sampled during that run.
// usage: result.mjs WORK OUT SIZE GPU LOADER CUDA_NOTE WALL_S
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const read = (work, file) => {
  try {
    return readFileSync(join(work, file), 'utf8');
  } catch {
    return '';
  }
};

/** nvidia-smi memory.used samples (MiB, one a line): the peak, and the first as the baseline before the model loaded. */
export function peakMemory(samples) {
  const values = samples.split('\n').map(Number).filter((n) => Number.isFinite(n) && n > 0);
  return values.length ? { peakGpuMemoryMb: Math.max(...values), baselineGpuMemoryMb: values[0], samples: values.length } : {};
}

function deviceRun(work, device) {
  const text = read(work, `${device}.json`).trim();
  if (!text) return undefined;
  try {
    return { bench: JSON.parse(text.split('\n').pop()), ...peakMemory(read(work, `${device}.mem`)) };
  } catch {
    return { error: `the bench printed no JSON: ${text.slice(0, 200)}` };
  }
}

export function gpuBenchResult({ work, size, gpu, loader, cudaNote, wallS, at = new Date().toISOString() }) {
  return {
    schema: 'loupe-gpu-bench/1',
    note: 'full-size stand-in with random weights: speed only, its output is noise',
    size,
    dtype: 'q4f16',
    at,
    wallS,
    machine: { gpu: gpu || null, vulkanLoader: loader },
    webgpu: deviceRun(work, 'webgpu') ?? { error: 'no WebGPU run' },
    cuda: deviceRun(work, 'cuda') ?? { skipped: cudaNote },
    llamaCppVulkan: deviceRun(work, 'llama-vulkan') ?? { skipped: 'packed (node-llama-cpp + @node-llama-cpp/linux-x64-vulkan), but this checkout\'s vlm-real bench has no llama.cpp peer to run it' },
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [work, out, size, gpu, loader, cudaNote, wallS] = process.argv.slice(2);
  writeFileSync(out, JSON.stringify(gpuBenchResult({ work, size, gpu, loader, cudaNote, wallS: Number(wallS) }), null, 2) + '\n');
  console.error(`gpu-bench: wrote ${out} (${wallS} s)`);
}
