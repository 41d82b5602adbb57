import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogEntry } from '@loupe/models/catalog';
import { startHubServer, type HubServer, type HubServerOptions } from '@loupe/models/testing/hub-server';

/** A catalog entry for a q4 Qwen2.5-VL stand-in served as `hubRepo`, verified like a real entry. */
export function standInEntry(id: string, hubRepo: string): CatalogEntry {
  return {
    id,
    family: 'qwen2_5_vl',
    label: 'stand-in',
    hubRepo,
    revision: 'main',
    dtypes: ['q4'],
    defaultDtype: { gpu: 'q4', cpu: 'q4' },
    approxBytes: {},
    approxMemory: { vram: 0, ram: 0 },
    licence: 'test',
    verified: { repo: true, files: true, sizes: true },
    caveats: [],
  };
}

export interface StandInHub {
  /** The temp folder everything lives in (the repo under `root/repo`). */
  root: string;
  hub: HubServer;
  /** A new empty LOUPE_HOME under root. */
  freshHome(): Promise<string>;
  /** Stops the hub and deletes root. */
  close(): Promise<void>;
}

/** A loopback hub serving `repo` from the folder `fill` writes (a stand-in and whatever the test adds). */
export async function serveStandIn(prefix: string, repo: string, fill: (repoDir: string, root: string) => Promise<void>, options: Omit<HubServerOptions, 'repos'> = {}): Promise<StandInHub> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const repoDir = join(root, 'repo');
  await fill(repoDir, root);
  const hub = await startHubServer({ repos: { [repo]: repoDir }, ...options });
  let homes = 0;
  return {
    root,
    hub,
    async freshHome() {
      const home = join(root, `home-${++homes}`);
      await mkdir(home, { recursive: true });
      return home;
    },
    async close() {
      await hub.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
