import { describe, expect, it } from 'vitest';
import { containedPath, isSafeRepoPath, isValidRepoId } from './contained-path';
import { isExternalDataOf } from './select-files';

describe('hub names are contained', () => {
  it('accepts plain relative names and refuses traversal, absolute, backslash and drive-letter names', () => {
    for (const ok of ['config.json', 'onnx/decoder_model_merged_q4.onnx_data_1', 'a.b/c']) expect(isSafeRepoPath(ok), ok).toBe(true);
    for (const bad of ['', '/etc/passwd', '../x', 'onnx/../../x', 'onnx/./x', 'onnx//x', 'onnx\\..\\x', 'C:/x', 'c:x', 'a\0b']) {
      expect(isSafeRepoPath(bad), bad).toBe(false);
      expect(() => containedPath('/home/u/models/m', bad), bad).toThrow(/outside/);
    }
    expect(containedPath('/home/u/models/m', 'onnx/a.onnx')).toBe('/home/u/models/m/onnx/a.onnx');
  });

  it('matches external data files exactly', () => {
    const onnx = 'onnx/decoder_model_merged_q4.onnx';
    expect(isExternalDataOf(`${onnx}_data`, onnx)).toBe(true);
    expect(isExternalDataOf(`${onnx}_data_12`, onnx)).toBe(true);
    for (const bad of [`${onnx}_data/../../x`, `${onnx}_data_1/x`, `${onnx}_dataX`, `${onnx}_data_`]) expect(isExternalDataOf(bad, onnx), bad).toBe(false);
  });

  it('validates repo ids', () => {
    for (const ok of ['onnx-community/Qwen2.5-VL-3B-Instruct', 'a/b', 'Xenova/x_y']) expect(isValidRepoId(ok), ok).toBe(true);
    for (const bad of ['evil/..', 'evil/.', '../x', 'a/b/c', 'x', 'a/.hidden', 'a/b..c', 'a/b--c', '/a', 'a/', 'a\\b/c']) expect(isValidRepoId(bad), bad).toBe(false);
  });
});
