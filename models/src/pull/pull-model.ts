import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { listFiles, modelInfo } from '@huggingface/hub';
import type { CatalogEntry } from '../catalog';
import { resolveModelId } from '../catalog';
import type { Dtype } from '../dtypes';
import type { VerifyResult } from '../verify/problems';
import { verifyModelDir } from '../verify/verify-model-dir';
import type { HubTarget } from './download-one';
import { downloadOne, fileMatches } from './download-one';
import { formatBytes, isEnospc, PullError } from './errors';
import { containedPath, isValidRepoId } from './contained-path';
import { acquirePullLock } from './pull-lock';
import { writeManifest } from './manifest';
import { selectFiles } from './select-files';

export interface PullProgress {
  file: string;
  fileDone: number;
  fileTotal: number;
  done: number;
  total: number;
  /** Files finished so far / files to get. */
  filesDone: number;
  filesTotal: number;
}

export interface PullOptions {
  /** Catalog id (or its hub repo). */
  id: string;
  /** LOUPE_HOME; the model lands in <home>/models/<id>. */
  home: string;
  dtype?: Dtype;
  /** Default: the hub. Tests pass a loopback server. */
  hubUrl?: string;
  accessToken?: string;
  offline?: boolean;
  signal?: AbortSignal;
  onProgress?: (p: PullProgress) => void;
  /** Free bytes at a path (tests inject a small disk). Default: statfs. */
  freeBytes?: (path: string) => Promise<number>;
  /** Catalog override (tests point an id at a loopback repo). */
  entry?: CatalogEntry;
  /** Runtime context the default dtype is chosen for. */
  device?: 'gpu' | 'cpu';
}

export interface PullResult {
  id: string;
  dir: string;
  repo: string;
  commit: string;
  dtype: Dtype;
  downloadedBytes: number;
  skippedFiles: number;
  files: string[];
  verify: VerifyResult;
}

/** Bytes kept free beyond the download itself. */
const DISK_MARGIN = 64 * 1024 * 1024;

export function isOffline(flag?: boolean): boolean {
  if (flag) return true;
  const env = process.env.HF_HUB_OFFLINE ?? process.env.LOUPE_OFFLINE;
  return env !== undefined && ['1', 'true', 'yes', 'on'].includes(env.toLowerCase());
}

/** Pulls one catalog model for one dtype from the hub into <home>/models/<id>. */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  const entry = options.entry ?? resolveModelId(options.id);
  if (!isValidRepoId(entry.hubRepo)) {
    throw new PullError(`"${entry.hubRepo}" is not a hub repo id: use owner/name (letters, digits, . _ -; no "..")`, 'not-found');
  }
  const dir = containedPath(join(options.home, 'models'), entry.id);
  if (isOffline(options.offline)) {
    throw new PullError(
      `offline mode (--offline / HF_HUB_OFFLINE): cannot download ${entry.id}; copy a model directory to this machine and run \`loupe models import <dir>\``,
      'offline',
    );
  }
  const dtype = options.dtype ?? entry.defaultDtype[options.device ?? 'cpu'];
  const fetchFn: typeof fetch = (input, init) => fetch(input, { ...init, signal: options.signal });
  const hub = { hubUrl: options.hubUrl, accessToken: options.accessToken, fetch: fetchFn };

  let commit: string;
  let listing;
  try {
    const info = await modelInfo({ name: entry.hubRepo, revision: entry.revision, additionalFields: ['sha'], ...hub });
    commit = info.sha;
    listing = [];
    for await (const f of listFiles({ repo: entry.hubRepo, revision: commit, recursive: true, ...hub })) listing.push(f);
  } catch (e) {
    throw hubError(e, entry, options.signal);
  }
  const wanted = selectFiles(listing, dtype, entry.hubRepo);
  // Every destination is resolved and checked inside the model folder before the first write.
  const destOf = new Map<string, string>();
  for (const f of wanted) {
    try {
      destOf.set(f.path, containedPath(dir, f.path));
    } catch (e) {
      throw new PullError((e as Error).message, 'integrity');
    }
  }
  const target: HubTarget = { repo: entry.hubRepo, revision: commit, ...hub };

  await mkdir(dir, { recursive: true });
  const release = await acquirePullLock(dir, entry.id);
  let downloaded = 0;
  let skipped = 0;
  try {
    // Free-disk check before the first byte: what is missing, minus parts already on disk.
    let needed = 0;
    const todo: typeof wanted = [];
    for (const f of wanted) {
      const dest = destOf.get(f.path)!;
      if (await fileMatches(dest, f)) {
        skipped += 1;
        continue;
      }
      todo.push(f);
      const part = `${dest}.part`;
      needed += f.size - (existsSync(part) ? Math.min((await stat(part)).size, f.size) : 0);
    }
    const free = await (options.freeBytes ?? statfsFree)(dir);
    if (free < needed + DISK_MARGIN) {
      throw new PullError(
        `not enough disk space in ${dir}: ${entry.id} (${dtype}) needs ${formatBytes(needed)} more plus ${formatBytes(DISK_MARGIN)} headroom, ${formatBytes(free)} free — free some space or set LOUPE_HOME to a larger disk`,
        'no-space',
      );
    }

    const total = wanted.reduce((s, f) => s + f.size, 0);
    let done = total - todo.reduce((s, f) => s + f.size, 0);
    let filesDone = skipped;
    for (const f of todo) {
      const base = done;
      let lastFileDone: number | undefined;
      try {
        await downloadOne(target, f, destOf.get(f.path)!, (p) => {
          // The first report is what a resumed part already holds: not downloaded now.
          downloaded += lastFileDone === undefined ? 0 : p.done - lastFileDone;
          lastFileDone = p.done;
          options.onProgress?.({ file: f.path, fileDone: p.done, fileTotal: p.total, done: base + p.done, total, filesDone, filesTotal: wanted.length });
        });
      } catch (e) {
        if (isEnospc(e)) {
          await removeParts(dir);
          throw new PullError(
            `disk full while downloading ${f.path} into ${dir}; partial files were removed — free at least ${formatBytes(needed)} and run the pull again`,
            'disk-full',
          );
        }
        if (e instanceof PullError) throw e;
        throw hubError(e, entry, options.signal);
      }
      done = base + f.size;
      filesDone += 1;
    }
    options.onProgress?.({ file: '', fileDone: 0, fileTotal: 0, done: total, total, filesDone, filesTotal: wanted.length });

    await writeManifest(dir, {
      id: entry.id,
      source: 'hub',
      repo: entry.hubRepo,
      commit,
      dtype,
      family: await readFamily(dir),
      files: wanted.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, gitOid: f.gitOid })),
      pulledAt: new Date().toISOString(),
    });
  } finally {
    await release();
  }
  const verify = await verifyModelDir(dir, { dtype });
  return {
    id: entry.id,
    dir,
    repo: entry.hubRepo,
    commit,
    dtype,
    downloadedBytes: downloaded,
    skippedFiles: skipped,
    files: wanted.map((f) => f.path),
    verify,
  };
}

async function readFamily(dir: string): Promise<string | undefined> {
  try {
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as { model_type?: unknown };
    return typeof config.model_type === 'string' ? config.model_type : undefined;
  } catch {
    return undefined;
  }
}

async function statfsFree(path: string): Promise<number> {
  let p = path;
  while (!existsSync(p)) p = dirname(p);
  const s = await statfs(p);
  return s.bavail * s.bsize;
}

/** Removes every `.part` (and its sidecar) under the model directory. */
async function removeParts(dir: string): Promise<void> {
  const walk = async (d: string): Promise<void> => {
    for (const e of await readdir(d, { withFileTypes: true }).catch(() => [])) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.endsWith('.part') || e.name.endsWith('.part.json')) await rm(p, { force: true });
    }
  };
  await walk(dir);
}

function hubError(e: unknown, entry: CatalogEntry, signal?: AbortSignal): Error {
  if (signal?.aborted) return new PullError(`pull of ${entry.id} cancelled; run it again to resume`, 'interrupted');
  const err = e as Error & { statusCode?: number; cause?: { code?: string } };
  if (err.statusCode === 404) {
    return new PullError(`${entry.hubRepo} (revision ${entry.revision}) was not found on the hub: check the model id, or import a local copy with \`loupe models import <dir>\``, 'not-found');
  }
  if (err.statusCode === 401 || err.statusCode === 403) {
    return new PullError(`${entry.hubRepo} needs access rights (HTTP ${err.statusCode}): accept its licence on the hub and set HF_TOKEN`, 'hub');
  }
  if (err.statusCode) return new PullError(`the hub answered HTTP ${err.statusCode} for ${entry.hubRepo}: try again later`, 'hub');
  const code = err.cause?.code ?? '';
  return new PullError(
    `cannot reach the hub (${code || err.message}): check the network, or work offline with \`loupe models import <dir>\`; an interrupted pull resumes when run again`,
    'interrupted',
  );
}
