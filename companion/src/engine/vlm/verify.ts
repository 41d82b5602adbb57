import * as models from '@loupe/models';

interface Problem {
  file?: string;
  message?: string;
  problem?: string;
  fix?: string;
  severity?: 'error' | 'warning';
}

/**
 * Runs @loupe/models' verifyModelDir when that package provides it; returns the
 * problems as one line each, or undefined when the verifier is not available.
 */
export async function verifyWithModelsPackage(dir: string): Promise<string[] | undefined> {
  const verify = (models as Record<string, unknown>).verifyModelDir;
  if (typeof verify !== 'function') return undefined;
  const result = (await (verify as (d: string) => Promise<unknown>)(dir)) as { problems?: Array<Problem | string> } | Array<Problem | string>;
  const list = Array.isArray(result) ? result : (result.problems ?? []);
  // Warnings (e.g. an oversized max_pixels) do not make a directory unusable.
  return list.filter((p) => typeof p === 'string' || p.severity !== 'warning').map((p) => (typeof p === 'string' ? p : [p.file ? `${p.file}:` : '', p.message ?? p.problem ?? '', p.fix ? `— fix: ${p.fix}` : ''].filter(Boolean).join(' ')));
}
