import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { InstallManifest } from '../pull/manifest';
import { readManifest } from '../pull/manifest';

export interface InstalledModel {
  id: string;
  dir: string;
  family?: string;
  dtypes: string[];
  standIn: boolean;
  bytes: number;
  manifest?: InstallManifest;
}

const ONNX_SUFFIX = /^decoder_model_merged(.*)\.onnx$/;
const SUFFIX_TO_DTYPE: Record<string, string> = { '': 'fp32', _fp16: 'fp16', _int8: 'int8', _uint8: 'uint8', _quantized: 'q8', _q4: 'q4', _q4f16: 'q4f16', _bnb4: 'bnb4' };

async function dirBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath, e.name))).size;
  }
  return total;
}

/** Model directories under <home>/models (cheap: reads config.json and the manifest, no ONNX parsing). */
export async function listInstalled(home: string): Promise<InstalledModel[]> {
  const root = join(home, 'models');
  if (!existsSync(root)) return [];
  const out: InstalledModel[] = [];
  for (const e of await readdir(root, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const dir = join(root, e.name);
    let config: Record<string, unknown> = {};
    try {
      config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      // listed anyway: `verify` explains what is wrong
    }
    const onnx = existsSync(join(dir, 'onnx')) ? await readdir(join(dir, 'onnx')) : [];
    const dtypes = onnx.map((f) => ONNX_SUFFIX.exec(f)?.[1]).filter((s): s is string => s !== undefined).map((s) => SUFFIX_TO_DTYPE[s] ?? s);
    out.push({
      id: e.name,
      dir,
      family: typeof config.model_type === 'string' ? config.model_type : undefined,
      dtypes,
      standIn: 'loupe_stand_in' in config,
      bytes: await dirBytes(dir),
      manifest: await readManifest(dir),
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}
