import { describe, expect, it } from 'vitest';
import type { ListedFile } from './select-files';
import { selectFiles } from './select-files';

const file = (path: string, size = 10, lfs = false): ListedFile => ({
  type: 'file',
  path,
  size,
  oid: `git-${path}`,
  ...(lfs ? { lfs: { oid: `sha-${path}`, size } } : {}),
});

const listing: ListedFile[] = [
  { type: 'directory', path: 'onnx', size: 0 },
  file('config.json'),
  file('preprocessor_config.json'),
  file('tokenizer.json', 11_000_000, true),
  file('tokenizer_config.json'),
  file('generation_config.json'),
  file('README.md'),
  file('merges.txt'),
  ...['vision_encoder', 'embed_tokens', 'decoder_model_merged'].flatMap((s) => [
    file(`onnx/${s}_q4f16.onnx`, 1000, true),
    file(`onnx/${s}_q4.onnx`, 1000, true),
    file(`onnx/${s}.onnx`, 1000, true),
  ]),
  file('onnx/decoder_model_merged_q4f16.onnx_data', 5000, true),
  file('onnx/decoder_model_merged_q4f16.onnx_data_1', 5000, true),
  file('onnx/decoder_model_merged.onnx_data', 9000, true),
];

describe('selectFiles', () => {
  it('takes shared files, the three sessions of one dtype and their data chunks only', () => {
    const picked = selectFiles(listing, 'q4f16', 'org/repo');
    expect(picked.map((f) => f.path)).toEqual([
      'config.json',
      'preprocessor_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'generation_config.json',
      'onnx/vision_encoder_q4f16.onnx',
      'onnx/embed_tokens_q4f16.onnx',
      'onnx/decoder_model_merged_q4f16.onnx',
      'onnx/decoder_model_merged_q4f16.onnx_data',
      'onnx/decoder_model_merged_q4f16.onnx_data_1',
    ]);
  });

  it('uses sha256 for LFS files and the git oid for the rest', () => {
    const picked = selectFiles(listing, 'fp32', 'org/repo');
    expect(picked.find((f) => f.path === 'tokenizer.json')).toEqual({ path: 'tokenizer.json', size: 11_000_000, sha256: 'sha-tokenizer.json', gitOid: undefined });
    expect(picked.find((f) => f.path === 'config.json')).toEqual({ path: 'config.json', size: 10, sha256: undefined, gitOid: 'git-config.json' });
    expect(picked.map((f) => f.path)).toContain('onnx/decoder_model_merged.onnx_data');
    expect(picked.map((f) => f.path)).not.toContain('onnx/decoder_model_merged_q4f16.onnx_data');
  });

  it('names the dtypes the repo has when the asked one is missing', () => {
    expect(() => selectFiles(listing, 'fp16', 'org/repo')).toThrow(/org\/repo has no fp16 export \(missing onnx\/vision_encoder_fp16.onnx.*available dtypes: fp32, q4, q4f16 — pass --dtype fp32/);
  });

  it('refuses a repo that is not a transformers.js export', () => {
    expect(() => selectFiles(listing.filter((f) => f.path !== 'tokenizer.json'), 'q4', 'org/repo')).toThrow(/has no tokenizer.json: it is not a transformers.js export/);
  });
});
