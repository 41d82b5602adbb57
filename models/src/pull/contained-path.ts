import { realpath } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Path checks for names that come from outside (a hub listing, a repo id, a directory being
 * imported): a hostile hub or mirror must not be able to write, and an import must not link,
 * anywhere but inside the model folder.
 */

/** A hub file name we accept: forward-slash segments, no `.`/`..`/empty segment, no backslash, no drive letter, no NUL. */
export function isSafeRepoPath(path: string): boolean {
  if (path.length === 0 || path.length > 512) return false;
  if (/[\\\0:]/.test(path) || path.startsWith('/')) return false;
  return path.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

/** `<root>/<rel>` when it stays strictly inside root; throws otherwise. */
export function containedPath(root: string, rel: string): string {
  const base = resolve(root);
  const dest = resolve(base, rel);
  if (!isSafeRepoPath(rel) || !isInside(base, dest)) {
    throw new Error(`refusing the file name ${JSON.stringify(rel.slice(0, 120))}: it would land outside ${base} (a hostile or broken hub listing)`);
  }
  return dest;
}

export function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Like isInside, after resolving symlinks on both sides (the path must exist). */
export async function isReallyInside(root: string, path: string): Promise<boolean> {
  return isInside(await realpath(root), await realpath(path));
}

/** Hub repo ids: `owner/name`, each starting with a letter or digit, no `..`, `--` or dot segments. */
export function isValidRepoId(repo: string): boolean {
  const parts = repo.split('/');
  if (parts.length !== 2 || repo.length > 96) return false;
  return parts.every((p) => /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(p) && !p.includes('..') && !p.includes('--') && !p.endsWith('.'));
}
