import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** Where onnxruntime-node looks for its execution-provider libraries. */
export function ortBinDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('onnxruntime-node/package.json');
  return join(dirname(pkg), 'bin', 'napi-v6', process.platform, process.arch);
}

export const CUDA_EP_LIBS = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];

export interface CudaProbe {
  usable: boolean;
  /** Why CUDA cannot be used, in words; undefined when it can be tried. */
  reason?: string;
  /** What to do about it, when something can be done (not for "no NVIDIA GPU"). */
  fix?: string;
  gpu?: string;
}

function nvidiaSmi(): Promise<{ ok: boolean; out: string }> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=name,memory.total', '--format=csv,noheader'], { timeout: 5000 }, (error, stdout) => {
      resolve({ ok: !error, out: error ? String((error as NodeJS.ErrnoException).code ?? error.message) : stdout.trim() });
    });
  });
}

/**
 * Checks, without creating a session, whether the CUDA execution provider can work here:
 * platform, the EP library files in onnxruntime-node's bin dir, and an NVIDIA GPU.
 * LOUPE_ORT_BIN_DIR points the file check elsewhere (tests of the fallback path).
 */
export async function probeCuda(binDir = process.env.LOUPE_ORT_BIN_DIR || ortBinDir()): Promise<CudaProbe> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    return { usable: false, reason: `the CUDA execution provider of onnxruntime-node exists only for linux-x64 (this is ${process.platform}-${process.arch})` };
  }
  const smi = await nvidiaSmi();
  const gpu = smi.ok && smi.out ? smi.out.split('\n')[0] : undefined;
  // Without an NVIDIA GPU the EP files do not matter: say the one thing that does.
  if (!gpu) return { usable: false, reason: smi.ok ? 'no NVIDIA GPU: nvidia-smi lists no device' : 'no NVIDIA GPU: nvidia-smi is not available (no NVIDIA driver installed)' };
  const missing = CUDA_EP_LIBS.filter((lib) => !existsSync(join(binDir, lib)));
  if (missing.length > 0) {
    return { usable: false, gpu, reason: `CUDA execution provider library missing: ${missing.map((m) => join(binDir, m)).join(', ')}`, fix: 'run `loupe gpu-setup` (needs CUDA 12 + cuDNN 9)' };
  }
  return { usable: true, gpu };
}

/** Names the failure of a CUDA session in words (out of memory, missing library, ...). */
export function describeCudaError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/out of memory|CUDNN_STATUS_ALLOC_FAILED|cudaErrorMemoryAllocation|Failed to allocate memory|bad_alloc/i.test(message)) {
    return `out of GPU memory while loading on CUDA (${message.split('\n')[0]})`;
  }
  if (/Failed to load shared library|cannot open shared object|libcudnn|libcublas|libcudart/i.test(message)) {
    return `CUDA libraries could not be loaded (${message.split('\n')[0]}); CUDA 12 and cuDNN 9 must be installed`;
  }
  return `CUDA session failed: ${message.split('\n')[0]}`;
}

export const GPU_SETUP_HINT = 'Run `loupe gpu-setup` to install the CUDA execution provider (needs CUDA 12 + cuDNN 9 and an NVIDIA GPU), or start with --device cpu.';
