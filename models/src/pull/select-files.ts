import type { Dtype } from '../dtypes';
import { DTYPES, onnxFileName } from '../dtypes';
import { SESSION_NAMES } from '../families';
import { PullError } from './errors';

/** What the hub listing says about one file (subset of @huggingface/hub's ListFileEntry). */
export interface ListedFile {
  type: string;
  path: string;
  size: number;
  oid?: string;
  lfs?: { oid: string; size: number };
}

export interface WantedFile {
  path: string;
  size: number;
  /** LFS files: sha256 of the content. */
  sha256?: string;
  /** Regular files: git blob oid (sha1 of "blob <size>\0" + content). */
  gitOid?: string;
}

/** Shared files of a transformers.js export; the first three are required. */
const REQUIRED_ROOT = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const OPTIONAL_ROOT = ['generation_config.json', 'chat_template.json', 'chat_template.jinja', 'processor_config.json'];

/** Picks the files one dtype needs: shared JSON/tokenizer files, three sessions and their external data. */
export function isExternalDataOf(path: string, onnxPath: string): boolean {
  if (!path.startsWith(`${onnxPath}_data`)) return false;
  return /^(_\d{1,4})?$/.test(path.slice(onnxPath.length + '_data'.length));
}

export function selectFiles(listing: ListedFile[], dtype: Dtype, repo: string): WantedFile[] {
  const files = listing.filter((f) => f.type === 'file');
  const byPath = new Map(files.map((f) => [f.path, f]));
  const wanted: ListedFile[] = [];
  for (const name of REQUIRED_ROOT) {
    const f = byPath.get(name);
    if (!f) throw new PullError(`${repo} has no ${name}: it is not a transformers.js export (pick another repo, or import a converted directory with \`loupe models import <dir>\`)`, 'not-found');
    wanted.push(f);
  }
  for (const name of OPTIONAL_ROOT) {
    const f = byPath.get(name);
    if (f) wanted.push(f);
  }
  const missing: string[] = [];
  for (const session of SESSION_NAMES) {
    const name = `onnx/${onnxFileName(session, dtype)}`;
    const f = byPath.get(name);
    if (!f) {
      missing.push(name);
      continue;
    }
    wanted.push(f);
    // Exactly `X.onnx_data` or `X.onnx_data_N`: a prefix match let `X.onnx_data/../../…` through.
    wanted.push(...files.filter((x) => isExternalDataOf(x.path, name)).sort((a, b) => a.path.localeCompare(b.path)));
  }
  if (missing.length) {
    const available = DTYPES.filter((d) => SESSION_NAMES.every((s) => byPath.has(`onnx/${onnxFileName(s, d)}`)));
    throw new PullError(
      `${repo} has no ${dtype} export (missing ${missing.join(', ')}); available dtypes: ${available.join(', ') || 'none'} — pass --dtype ${available[0] ?? '<dtype>'}`,
      'bad-dtype',
    );
  }
  return wanted.map((f) => ({
    path: f.path,
    size: f.lfs?.size ?? f.size,
    sha256: f.lfs?.oid,
    gitOid: f.lfs ? undefined : f.oid,
  }));
}
