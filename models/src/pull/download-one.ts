import { existsSync } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { downloadFile, fileDownloadInfo } from '@huggingface/hub';
import { checkFile, expectedDigest, hashInto, newFileHash } from '../integrity';
import { isEnospc, PullError } from './errors';
import type { WantedFile } from './select-files';

export interface HubTarget {
  repo: string;
  /** Commit sha the whole pull is pinned to. */
  revision: string;
  hubUrl?: string;
  accessToken?: string;
  fetch: typeof fetch;
}

export interface FileProgress {
  path: string;
  /** Bytes of this file on disk (including a resumed part). */
  done: number;
  total: number;
}

/** Checks a finished file on disk against size and hash. */
export async function fileMatches(path: string, file: WantedFile): Promise<boolean> {
  return (await checkFile(path, file)) === 'ok';
}

/**
 * Downloads one file into `dest` through `<dest>.part`, resuming a previous part when the hub still
 * serves the same content (same ETag), and verifying size and sha256/git oid before the rename.
 */
export async function downloadOne(
  target: HubTarget,
  file: WantedFile,
  dest: string,
  onProgress: (p: FileProgress) => void,
): Promise<void> {
  const part = `${dest}.part`;
  const sidecar = `${dest}.part.json`;
  await mkdir(dirname(dest), { recursive: true });

  const info = await fileDownloadInfo({ ...hubParams(target), path: file.path });
  if (!info) throw new PullError(`${target.repo} no longer has ${file.path} at ${target.revision.slice(0, 12)}: run pull again`, 'not-found');
  if (info.size !== file.size) {
    throw new PullError(`${file.path}: the hub reports ${info.size} bytes but the listing said ${file.size}: run pull again`, 'integrity');
  }

  let offset = 0;
  if (existsSync(part) && existsSync(sidecar)) {
    const saved = JSON.parse(await readFile(sidecar, 'utf8')) as { etag?: string; size?: number };
    const partSize = (await stat(part)).size;
    // Only LFS-sized files are resumed; a changed ETag means different content.
    if (saved.etag === info.etag && saved.size === file.size && partSize <= file.size && file.sha256) offset = partSize;
  }
  if (offset === 0) await rm(part, { force: true });
  await writeFile(sidecar, JSON.stringify({ etag: info.etag, size: file.size }));

  const hash = newFileHash(file);
  if (offset > 0) await hashInto(part, hash);
  onProgress({ path: file.path, done: offset, total: file.size });

  if (offset < file.size) {
    const blob = await downloadFile({ ...hubParams(target), path: file.path, downloadInfo: info });
    if (!blob) throw new PullError(`${file.path} disappeared from ${target.repo}: run pull again`, 'not-found');
    const stream = (offset > 0 ? blob.slice(offset) : blob).stream();
    const fh = await open(part, offset > 0 ? 'a' : 'w');
    let done = offset;
    let overflow = false;
    try {
      const reader = stream.getReader();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (e) {
          throw interrupted(target, file, done, e);
        }
        if (chunk.done) break;
        if (done + chunk.value.byteLength > file.size) {
          // Stop at the declared size: a hostile hub must not fill the disk before verification.
          await reader.cancel().catch(() => undefined);
          overflow = true;
          break;
        }
        await fh.write(chunk.value);
        hash.update(chunk.value);
        done += chunk.value.byteLength;
        onProgress({ path: file.path, done, total: file.size });
      }
    } finally {
      await fh.close();
    }
    if (overflow) {
      await rm(part, { force: true });
      await rm(sidecar, { force: true });
      throw new PullError(`${file.path}: the hub sent more than the ${file.size} bytes it listed; the download was removed — run pull again, or use another mirror`, 'integrity');
    }
    if (done < file.size) throw interrupted(target, file, done, new Error('connection closed early'));
  }

  const size = (await stat(part)).size;
  const digest = hash.digest('hex');
  const expected = expectedDigest(file);
  if (size !== file.size || (expected && digest !== expected)) {
    await rm(part, { force: true });
    await rm(sidecar, { force: true });
    throw new PullError(
      `${file.path} failed verification (${size !== file.size ? `${size} bytes, expected ${file.size}` : `${file.sha256 ? 'sha256' : 'git oid'} ${digest.slice(0, 16)}…, expected ${expected!.slice(0, 16)}…`}); the bad download was removed — run pull again`,
      'integrity',
    );
  }
  await rename(part, dest);
  await rm(sidecar, { force: true });
}

function hubParams(t: HubTarget) {
  return { repo: t.repo, revision: t.revision, hubUrl: t.hubUrl, accessToken: t.accessToken, fetch: t.fetch };
}

function interrupted(target: HubTarget, file: WantedFile, done: number, cause: unknown): Error {
  if (isEnospc(cause)) return cause as Error;
  if ((cause as Error)?.name === 'AbortError') return cause as Error;
  return new PullError(
    `download of ${file.path} was interrupted after ${done} of ${file.size} bytes (${(cause as Error)?.message ?? cause}): run the same pull again to resume`,
    'interrupted',
  );
}
