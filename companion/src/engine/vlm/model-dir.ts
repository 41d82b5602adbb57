import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { homePaths } from '../../config/paths';

/** A model directory refused at load: each problem names the file, what is wrong and the fix. */
export class ModelInvalidError extends Error {
  readonly code = 'model_invalid';
  readonly hint = 'Run `loupe models verify <dir>` for the full report, or re-pull the model with `loupe models pull <id>`.';
  constructor(
    readonly dir: string,
    readonly problems: string[],
  ) {
    super(`model directory ${dir} is not usable:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ModelInvalidError';
  }
}

/** `--model` is a directory, or a catalog id pulled under LOUPE_HOME/models/<id>. */
export function resolveModelDir(model: string | undefined, home: string): { dir: string; id: string } {
  if (!model) throw new Error('no vision-language model configured: pass --model <id|dir> (see `loupe models list`).');
  const asPath = isAbsolute(model) ? model : resolve(model);
  if (existsSync(asPath) && statSync(asPath).isDirectory()) return { dir: asPath, id: model.replace(/[/\\]+$/, '').split(/[/\\]/).pop() ?? model };
  const pulled = join(homePaths(home).models, model);
  if (existsSync(pulled) && statSync(pulled).isDirectory()) return { dir: pulled, id: model };
  if (isAbsolute(model) || model.startsWith('.') || model.includes('\\')) throw new Error(`model directory ${asPath} does not exist: pass an existing model directory or a catalog id (see \`loupe models list\`).`);
  throw new Error(`model "${model}" is neither a directory nor pulled under ${homePaths(home).models}: run \`loupe models pull ${model}\` or pass a model directory.`);
}

export interface ModelConfig {
  model_type?: string;
  architectures?: string[];
  image_token_id?: number;
  eos_token_id?: number | number[];
  vision_config?: { spatial_merge_size?: number; patch_size?: number };
  loupe_stand_in?: unknown;
  [key: string]: unknown;
}

export function readJson<T>(dir: string, name: string): T {
  const file = join(dir, name);
  if (!existsSync(file)) throw new ModelInvalidError(dir, [`${name}: missing; the directory must be a transformers.js export (config.json, preprocessor_config.json, tokenizer files, onnx/).`]);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    throw new ModelInvalidError(dir, [`${name}: not valid JSON (${(error as Error).message}); re-download it.`]);
  }
}
