import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/** What a file should be: its size and either the LFS sha256 or the git blob oid. */
export interface ExpectedFile {
  size: number;
  sha256?: string;
  /** sha1 of "blob <size>\0" + content. */
  gitOid?: string;
}

export const expectedDigest = (file: ExpectedFile): string | undefined => file.sha256 ?? file.gitOid;

/** A running hash matching the file's expected digest kind. */
export function newFileHash(file: ExpectedFile): Hash {
  if (file.sha256 || !file.gitOid) return createHash('sha256');
  return createHash('sha1').update(`blob ${file.size}\0`);
}

export async function hashInto(path: string, hash: Hash): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    createReadStream(path)
      .on('data', (c) => hash.update(c))
      .on('end', resolve)
      .on('error', reject);
  });
}

export type FileCheck = 'ok' | 'missing' | 'size' | 'hash';

/** Compares a file on disk with what it should be; hashing is skipped when `hash` is false. */
export async function checkFile(path: string, file: ExpectedFile, hash = true): Promise<FileCheck> {
  if (!existsSync(path)) return 'missing';
  if ((await stat(path)).size !== file.size) return 'size';
  const expected = expectedDigest(file);
  if (!hash || !expected) return 'ok';
  const h = newFileHash(file);
  await hashInto(path, h);
  return h.digest('hex') === expected ? 'ok' : 'hash';
}
