import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { VlmFamily } from './families';
import type { ModelConfig } from './model-dir';

/**
 * The load-time contract checks the engine itself relies on (used when @loupe/models'
 * verifyModelDir is not available). Each problem: file, what is wrong, the fix.
 */
export function checkContract(dir: string, config: ModelConfig, family: VlmFamily): string[] {
  const problems: string[] = [];
  const textConfig = config.text_config as Record<string, unknown> | undefined;
  if (family.modelType === 'qwen2_vl') {
    if (typeof config.num_hidden_layers !== 'number') {
      problems.push('config.json: qwen2_vl needs a flat config (num_hidden_layers, num_key_value_heads at the top level); use the config.json shipped with the export.');
    }
  } else if (!textConfig || typeof textConfig.num_hidden_layers !== 'number' || typeof textConfig.num_key_value_heads !== 'number') {
    problems.push(
      `config.json: ${family.modelType} needs a nested text_config with num_hidden_layers and num_key_value_heads (a flat config crashes transformers.js); use the config.json shipped with the export.`,
    );
  }
  if (typeof config.image_token_id !== 'number') problems.push('config.json: image_token_id is missing; use the config.json shipped with the export.');

  const pre = readOptionalJson(dir, 'preprocessor_config.json');
  if (!pre) {
    problems.push('preprocessor_config.json: missing; copy it from the export.');
  } else {
    if (typeof pre.processor_class !== 'string') problems.push('preprocessor_config.json: processor_class is missing (without it <|image_pad|> is not expanded); add "processor_class": "Qwen2VLProcessor" (or the family\'s).');
    if (pre.do_resize !== true && pre.size === undefined) problems.push('preprocessor_config.json: do_resize is not true and size is absent (images would not be resized to the patch grid); add "do_resize": true.');
    if (pre.do_normalize !== true) problems.push('preprocessor_config.json: do_normalize is not true (pixels would reach the vision encoder unnormalised); add "do_normalize": true.');
  }

  if (!existsSync(join(dir, 'tokenizer.json'))) problems.push('tokenizer.json: missing; copy it from the export.');
  const tok = readOptionalJson(dir, 'tokenizer_config.json');
  if (!tok) problems.push('tokenizer_config.json: missing; copy it from the export.');
  else if (typeof tok.chat_template !== 'string' && !Array.isArray(tok.chat_template)) {
    problems.push('tokenizer_config.json: no chat_template (transformers.js reads it only from here); copy the VL chat template into tokenizer_config.json.');
  }
  return problems;
}

function readOptionalJson(dir: string, name: string): Record<string, unknown> | undefined {
  const file = join(dir, name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}
