import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Written next to an installed model: where it came from and what was verified. */
export interface InstallManifest {
  id: string;
  source: 'hub' | 'import' | 'stand-in';
  repo?: string;
  commit?: string;
  dtype?: string;
  family?: string;
  importedFrom?: string;
  files?: Array<{ path: string; size: number; sha256?: string; gitOid?: string }>;
  pulledAt?: string;
}

export const MANIFEST_NAME = '.loupe-model.json';

export async function writeManifest(dir: string, manifest: InstallManifest): Promise<void> {
  await writeFile(join(dir, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
}

export async function readManifest(dir: string): Promise<InstallManifest | undefined> {
  try {
    return JSON.parse(await readFile(join(dir, MANIFEST_NAME), 'utf8')) as InstallManifest;
  } catch {
    return undefined;
  }
}
