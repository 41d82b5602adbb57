import { cp, mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStandIn } from '../standin/build';
import type { Problem } from './problems';
import { assertModelDir, verifyModelDir } from './verify-model-dir';

let root: string;
const base: Record<string, string> = {};
let counter = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'loupe-verify-'));
  base.q25 = join(root, 'q25');
  base.q2 = join(root, 'q2');
  base.ext = join(root, 'ext');
  base.mixed = join(root, 'mixed');
  await buildStandIn(base.q25, { family: 'qwen2_5_vl' });
  await buildStandIn(base.q2, { family: 'qwen2_vl' });
  await buildStandIn(base.ext, { family: 'qwen3_vl', dtype: 'q4', externalData: 2 });
  await buildStandIn(base.mixed, { family: 'qwen2_5_vl', dtype: 'fp16' });
  await buildStandIn(base.mixed, { family: 'qwen2_5_vl', dtype: 'fp32' });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function copyOf(name: string): Promise<string> {
  const dir = join(root, `case-${++counter}`);
  await cp(base[name]!, dir, { recursive: true });
  return dir;
}
async function editJson(dir: string, file: string, edit: (j: Record<string, unknown>) => void): Promise<void> {
  const j = JSON.parse(await readFile(join(dir, file), 'utf8')) as Record<string, unknown>;
  edit(j);
  await writeFile(join(dir, file), JSON.stringify(j));
}
const errors = (problems: Problem[]) => problems.filter((p) => p.severity === 'error');

describe('verifyModelDir', () => {
  it('accepts stand-ins of every family and reports family, dtypes and the stand-in marker', async () => {
    const q25 = await verifyModelDir(base.q25!);
    expect(q25).toMatchObject({ ok: true, family: 'qwen2_5_vl', dtypes: ['fp32'], standIn: true });
    expect(q25.problems).toEqual([]);
    expect(await verifyModelDir(base.q2!)).toMatchObject({ ok: true, family: 'qwen2_vl' });
    expect(await verifyModelDir(base.ext!)).toMatchObject({ ok: true, family: 'qwen3_vl', dtypes: ['q4'] });
    expect((await verifyModelDir(base.mixed!)).dtypes.sort()).toEqual(['fp16', 'fp32']);
  });

  it('rejects a flat config for qwen2_5_vl, naming text_config', async () => {
    const dir = await copyOf('q25');
    await editJson(dir, 'config.json', (j) => {
      Object.assign(j, j.text_config as object);
      j.model_type = 'qwen2_5_vl';
      delete j.text_config;
    });
    const r = await verifyModelDir(dir);
    expect(r.ok).toBe(false);
    expect(errors(r.problems)).toEqual([
      expect.objectContaining({ file: 'config.json', problem: expect.stringContaining('nested text_config'), fix: expect.stringContaining('"text_config"') }),
    ]);
  });

  it('rejects a nested config for qwen2_vl, which must be flat', async () => {
    const dir = await copyOf('q2');
    await editJson(dir, 'config.json', (j) => {
      j.text_config = { num_hidden_layers: j.num_hidden_layers, num_key_value_heads: j.num_key_value_heads };
      delete j.num_hidden_layers;
      delete j.num_key_value_heads;
    });
    const r = await verifyModelDir(dir);
    expect(errors(r.problems)[0]).toMatchObject({ file: 'config.json', problem: expect.stringContaining('must be flat') });
  });

  it('names missing preprocessor flags (processor_class, do_resize, do_normalize)', async () => {
    const dir = await copyOf('q25');
    await editJson(dir, 'preprocessor_config.json', (j) => {
      delete j.processor_class;
      delete j.do_resize;
      delete j.size;
      delete j.do_normalize;
    });
    const r = await verifyModelDir(dir);
    const problems = errors(r.problems).map((p) => `${p.file}: ${p.problem} | ${p.fix}`);
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/processor_class.*\| set "processor_class": "Qwen2_5_VLProcessor"/);
    expect(problems[1]).toMatch(/do_resize.*\| set "do_resize": true/);
    expect(problems[2]).toMatch(/do_normalize.*\| set "do_normalize": true/);
  });

  it('warns (not fails) on an upstream-sized max_pixels', async () => {
    const dir = await copyOf('q25');
    await editJson(dir, 'preprocessor_config.json', (j) => {
      j.max_pixels = 12845056;
      delete j.size;
    });
    const r = await verifyModelDir(dir);
    expect(r.ok).toBe(true);
    expect(r.problems).toEqual([expect.objectContaining({ severity: 'warning', problem: expect.stringContaining('max_pixels') })]);
  });

  it('catches a vision/embedding dtype mismatch', async () => {
    const r = await verifyModelDir(base.mixed!, { dtype: { vision_encoder: 'fp16', embed_tokens: 'fp32', decoder_model_merged: 'fp32' } });
    expect(r.ok).toBe(false);
    expect(errors(r.problems)).toEqual([
      expect.objectContaining({ file: 'onnx/vision_encoder_fp16.onnx', problem: expect.stringContaining('image_features is float16 but embed_tokens emits float32') }),
    ]);
  });

  it('reports a missing tokenizer and a chat template that only lives in chat_template.json', async () => {
    const dir = await copyOf('q25');
    await unlink(join(dir, 'tokenizer.json'));
    let template = '';
    await editJson(dir, 'tokenizer_config.json', (j) => {
      template = j.chat_template as string;
      delete j.chat_template;
    });
    await writeFile(join(dir, 'chat_template.json'), JSON.stringify({ chat_template: template }));
    const r = await verifyModelDir(dir);
    expect(errors(r.problems).map((p) => p.file)).toEqual(['tokenizer.json', 'tokenizer_config.json']);
    expect(errors(r.problems)[1]!.fix).toContain('copy "chat_template" from chat_template.json');
  });

  it('rejects a text-only chat template', async () => {
    const dir = await copyOf('q25');
    await editJson(dir, 'tokenizer_config.json', (j) => {
      j.chat_template = "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}";
    });
    const r = await verifyModelDir(dir);
    expect(errors(r.problems)).toEqual([expect.objectContaining({ problem: expect.stringContaining('text-only template') })]);
  });

  it('checks the external data chunk count and presence', async () => {
    const wrongCount = await copyOf('ext');
    await editJson(wrongCount, 'config.json', (j) => {
      (j['transformers.js_config'] as { use_external_data_format: Record<string, number> }).use_external_data_format['embed_tokens_q4.onnx'] = 1;
    });
    const r1 = await verifyModelDir(wrongCount);
    expect(errors(r1.problems)).toEqual([
      expect.objectContaining({ file: 'config.json', problem: expect.stringContaining('embed_tokens_q4.onnx stores its weights in 2 external file(s)'), fix: expect.stringContaining('"embed_tokens_q4.onnx": 2') }),
    ]);

    const missingChunk = await copyOf('ext');
    await unlink(join(missingChunk, 'onnx', 'decoder_model_merged_q4.onnx_data_1'));
    const r2 = await verifyModelDir(missingChunk);
    expect(errors(r2.problems)).toEqual([expect.objectContaining({ file: 'onnx/decoder_model_merged_q4.onnx_data_1', problem: expect.stringContaining('missing') })]);
  });

  it('catches a config family that does not match the sessions (grid input name)', async () => {
    const dir = await copyOf('q2');
    await editJson(dir, 'config.json', (j) => {
      const text = { model_type: 'qwen2_5_vl_text', num_hidden_layers: j.num_hidden_layers, num_key_value_heads: j.num_key_value_heads, head_dim: j.head_dim };
      j.model_type = 'qwen2_5_vl';
      j.architectures = ['Qwen2_5_VLForConditionalGeneration'];
      j.text_config = text;
    });
    await editJson(dir, 'preprocessor_config.json', (j) => {
      j.processor_class = 'Qwen2_5_VLProcessor';
    });
    const r = await verifyModelDir(dir);
    expect(errors(r.problems)).toEqual([
      expect.objectContaining({ file: 'onnx/vision_encoder.onnx', problem: expect.stringContaining('no grid input "image_grid_thw" (it is named "grid_thw"') }),
    ]);
  });

  it('catches KV-cache metadata that disagrees with config.json', async () => {
    const dir = await copyOf('q25');
    await editJson(dir, 'config.json', (j) => {
      Object.assign(j.text_config as object, { num_key_value_heads: 4, num_hidden_layers: 3 });
    });
    const r = await verifyModelDir(dir);
    const messages = errors(r.problems).map((p) => p.problem);
    expect(messages[0]).toContain('has 2 KV-cache layers but config.json num_hidden_layers is 3');
    expect(messages.some((m) => m.includes('has 2 KV heads, config.json says num_key_value_heads 4'))).toBe(true);
    expect(messages.some((m) => m.includes('input past_key_values.2.key is missing'))).toBe(true);
  });

  it('reports missing and truncated sessions', async () => {
    const missing = await copyOf('q25');
    await unlink(join(missing, 'onnx', 'embed_tokens.onnx'));
    const r1 = await verifyModelDir(missing);
    expect(errors(r1.problems)).toEqual([expect.objectContaining({ file: 'onnx/', problem: expect.stringContaining('no dtype has all three sessions') })]);
    const r1b = await verifyModelDir(missing, { dtype: 'fp32' });
    expect(errors(r1b.problems)).toEqual([expect.objectContaining({ file: 'onnx/embed_tokens.onnx', problem: 'missing (needed for dtype fp32)' })]);

    const truncated = await copyOf('q25');
    await truncate(join(truncated, 'onnx', 'vision_encoder.onnx'), 1000);
    const r2 = await verifyModelDir(truncated);
    expect(errors(r2.problems)).toEqual([expect.objectContaining({ file: 'onnx/vision_encoder.onnx', problem: expect.stringContaining('cannot be read as ONNX') })]);
  });

  it('assertModelDir throws one readable error naming file and fix', async () => {
    const dir = await copyOf('q25');
    await unlink(join(dir, 'preprocessor_config.json'));
    await expect(assertModelDir(dir)).rejects.toThrow(/preprocessor_config.json: is missing — fix: copy preprocessor_config.json/);
    await expect(verifyModelDir(join(root, 'nope'))).resolves.toMatchObject({ ok: false, problems: [expect.objectContaining({ problem: expect.stringContaining('is not a directory') })] });
  });
});
