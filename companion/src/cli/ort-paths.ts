import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** onnxruntime-node's install folder and version (the CUDA EP libraries go next to its binding). */
export function onnxruntimeNode(): { dir: string; version: string; binDir: string } {
  const main = require.resolve('onnxruntime-node');
  let dir = dirname(main);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const version = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
  return { dir, version, binDir: join(dir, 'bin', 'napi-v6', process.platform, process.arch) };
}

export const CUDA_EP_LIBS = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'] as const;

export function missingCudaEpLibs(binDir = onnxruntimeNode().binDir): string[] {
  return CUDA_EP_LIBS.filter((lib) => !existsSync(join(binDir, lib)));
}
