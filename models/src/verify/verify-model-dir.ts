import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Dtype } from '../dtypes';
import { DTYPES, onnxFileName } from '../dtypes';
import type { SessionName } from '../families';
import { SESSION_NAMES } from '../families';
import { checkConfig } from './check-config';
import { checkGenerationConfig, checkPreprocessor } from './check-processor';
import type { SessionDtypes } from './check-sessions';
import { checkSessions } from './check-sessions';
import { checkTokenizer, checkTokenizerConfig } from './check-tokenizer';
import type { VerifyResult } from './problems';
import { ModelDirInvalidError, ProblemList } from './problems';
import { checkFile } from '../integrity';
import { MANIFEST_NAME, readManifest } from '../pull/manifest';

type Json = Record<string, unknown>;

export interface VerifyOptions {
  /** One dtype for all sessions, or one per session (as transformers.js accepts). Default: every complete dtype found. */
  dtype?: Dtype | Partial<Record<SessionName, Dtype>>;
  /** Also hash every file a pull recorded in .loupe-model.json (sizes are always compared). */
  hashes?: boolean;
}

/**
 * Validates a model directory against the contract transformers.js relies on (see
 * shared/notes/qwen-vl-onnx.md). Never throws for a bad directory: every failure is a problem
 * naming the file, what is wrong and the fix.
 */
export async function verifyModelDir(dirIn: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const dir = resolve(dirIn);
  const p = new ProblemList();
  const result = (extra: Partial<VerifyResult> = {}): VerifyResult => ({
    ok: !p.hasErrors,
    dir,
    dtypes: [],
    standIn: false,
    problems: p.items,
    ...extra,
  });
  if (!existsSync(dir) || !(await stat(dir)).isDirectory()) {
    p.error('.', `${dir} is not a directory`, 'pass the model directory (the one holding config.json and onnx/)');
    return result();
  }

  const config = await readJson(dir, 'config.json', p, 'copy config.json from the export');
  const pre = await readJson(dir, 'preprocessor_config.json', p, 'copy preprocessor_config.json from the export');
  const tokenizerConfig = await readJson(dir, 'tokenizer_config.json', p, 'copy tokenizer_config.json from the export');
  const tokenizer = await readJson(dir, 'tokenizer.json', p, 'copy tokenizer.json from the export (transformers.js does not read vocab.json/merges.txt)');
  const generation = existsSync(join(dir, 'generation_config.json')) ? await readJson(dir, 'generation_config.json', p, 'fix or delete generation_config.json') : undefined;

  const { family, text } = config ? checkConfig(config, p) : {};
  if (pre) checkPreprocessor(pre, family, text?.mergeSize, p);
  if (tokenizerConfig) checkTokenizerConfig(tokenizerConfig, existsSync(join(dir, 'chat_template.json')), p);
  if (tokenizer && config) checkTokenizer(tokenizer, config, p);
  checkGenerationConfig(generation, p);

  const dtypes = await sessionDtypes(dir, options.dtype, p);
  if (family) {
    for (const d of dtypes) await checkSessions(dir, d, family, text, p);
  }
  await checkRecordedFiles(dir, options.hashes ?? false, p);
  const found = [...new Set(dtypes.map((d) => d.decoder_model_merged))];
  return result({ family: family?.id, dtypes: found, standIn: Boolean(config && 'loupe_stand_in' in config) });
}

/** verifyModelDir, throwing a ModelDirInvalidError (one line per problem) when the directory is unusable. */
export async function assertModelDir(dir: string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const result = await verifyModelDir(dir, options);
  if (!result.ok) throw new ModelDirInvalidError(result);
  return result;
}

/** Files a pull recorded (size + sha256/git oid from the hub) must still be what was downloaded. */
async function checkRecordedFiles(dir: string, hashes: boolean, p: ProblemList): Promise<void> {
  const manifest = await readManifest(dir);
  if (!manifest?.files) return;
  const fix = `run \`loupe models pull ${manifest.id}${manifest.dtype ? ` --dtype ${manifest.dtype}` : ''}\` again: only missing or damaged files are fetched`;
  for (const f of manifest.files) {
    const state = await checkFile(join(dir, f.path), f, hashes);
    if (state === 'missing') p.error(f.path, `is missing (recorded in ${MANIFEST_NAME} by the pull)`, fix);
    else if (state === 'size') p.error(f.path, `is not ${f.size} bytes as downloaded from ${manifest.repo ?? 'the hub'} (truncated or damaged)`, fix);
    else if (state === 'hash') p.error(f.path, `content differs from the hub's ${f.sha256 ? 'sha256' : 'git oid'} (damaged on disk)`, fix);
  }
}

async function readJson(dir: string, name: string, p: ProblemList, fixMissing: string): Promise<Json | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, name), 'utf8');
  } catch {
    p.error(name, 'is missing', fixMissing);
    return undefined;
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Json;
  } catch (e) {
    p.error(name, `is not valid JSON (${(e as Error).message})`, `restore ${name} from the export`);
    return undefined;
  }
}

/** The dtype sets to check: the requested one, or every dtype whose three files are all present. */
async function sessionDtypes(dir: string, requested: VerifyOptions['dtype'], p: ProblemList): Promise<SessionDtypes[]> {
  if (typeof requested === 'string') return [Object.fromEntries(SESSION_NAMES.map((s) => [s, requested])) as SessionDtypes];
  const files = existsSync(join(dir, 'onnx')) ? new Set(await readdir(join(dir, 'onnx'))) : new Set<string>();
  if (requested) {
    const missing = SESSION_NAMES.filter((s) => !requested[s]);
    if (missing.length) {
      p.error('onnx/', `no dtype given for ${missing.join(', ')}`, 'give a dtype for every session');
      return [];
    }
    return [requested as SessionDtypes];
  }
  const complete = DTYPES.filter((d) => SESSION_NAMES.every((s) => files.has(onnxFileName(s, d))));
  if (complete.length === 0) {
    p.error(
      'onnx/',
      files.size === 0 ? 'no ONNX sessions found' : `no dtype has all three sessions (found: ${[...files].filter((f) => f.endsWith('.onnx')).join(', ') || 'none'})`,
      'pull the model again (loupe models pull <id> --dtype <dtype>): vision_encoder, embed_tokens and decoder_model_merged must share a dtype suffix',
    );
  }
  return complete.map((d) => Object.fromEntries(SESSION_NAMES.map((s) => [s, d])) as SessionDtypes);
}
