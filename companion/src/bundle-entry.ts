import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * How a child node starts one of the companion's own entry points: from the checkout, the .ts
 * file through tsx; from the esbuild bundle that scripts/gpu-bench.sh carries (LOUPE_BUNDLE_DIR
 * set by its launcher), the plain .mjs of the same name beside it, with no loader.
 */
export function childEntry(tsEntry: string, bundledName: string, from: string): { entry: string; execArgv: string[] } {
  const bundle = process.env.LOUPE_BUNDLE_DIR;
  if (bundle) return { entry: join(bundle, bundledName), execArgv: [] };
  return { entry: tsEntry, execArgv: ['--import', pathToFileURL(createRequire(from).resolve('tsx')).href] };
}
