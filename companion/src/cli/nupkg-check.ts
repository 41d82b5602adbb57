import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';

/** What nuget.org publishes about one package version (its catalog entry). */
export interface PublishedPackage {
  size: number;
  /** Base64 SHA-512 of the .nupkg. */
  sha512: string;
}

/** nuget.org, or a loopback stand-in in tests. */
const nugetBase = (): string => (process.env.LOUPE_NUGET_URL ?? 'https://api.nuget.org').replace(/\/+$/, '');

/** The published size and hash of `id` `version`, or the reason they could not be read. */
export async function publishedPackage(id: string, version: string): Promise<PublishedPackage | { unavailable: string }> {
  try {
    const leaf = await getJson(`${nugetBase()}/v3/registration5-semver1/${id.toLowerCase()}/${version}.json`);
    const catalogUrl = typeof leaf.catalogEntry === 'string' ? leaf.catalogEntry : undefined;
    if (!catalogUrl) return { unavailable: 'no catalog entry in the registration' };
    const entry = await getJson(catalogUrl);
    if (entry.packageHashAlgorithm !== 'SHA512' || typeof entry.packageHash !== 'string' || typeof entry.packageSize !== 'number') {
      return { unavailable: 'the catalog entry has no SHA512 hash and size' };
    }
    return { size: entry.packageSize, sha512: entry.packageHash };
  } catch (e) {
    return { unavailable: (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message };
  }
}

async function getJson(url: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { redirect: 'follow', signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`);
  const text = await res.text();
  if (text.length > 4 * 1024 * 1024) throw new Error(`${url} answered more than 4 MiB`);
  return JSON.parse(text) as Record<string, unknown>;
}

/** Throws (naming the fix) unless the file has the published size and SHA-512. */
export async function verifyNupkg(path: string, published: PublishedPackage): Promise<void> {
  const size = statSync(path).size;
  if (size !== published.size) {
    throw new Error(`${path} is ${size} bytes but nuget.org lists ${published.size}: delete it and download it again`);
  }
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  if (hash.digest('base64') !== published.sha512) {
    throw new Error(`${path} does not match the SHA-512 nuget.org publishes: delete it and download it again`);
  }
}
