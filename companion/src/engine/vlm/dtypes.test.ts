import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { availableDtypes, chooseDtype } from './dtypes';

const dir = mkdtempSync(join(tmpdir(), 'loupe-dtypes-'));
mkdirSync(join(dir, 'onnx'));
for (const s of ['vision_encoder', 'embed_tokens', 'decoder_model_merged']) {
  writeFileSync(join(dir, 'onnx', `${s}_q4.onnx`), '');
  writeFileSync(join(dir, 'onnx', `${s}_q4f16.onnx`), '');
}
writeFileSync(join(dir, 'onnx', 'vision_encoder_fp16.onnx'), '');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dtype choice', () => {
  it('lists only dtypes with all three sessions', () => {
    expect(availableDtypes(dir).sort()).toEqual(['q4', 'q4f16']);
  });
  it('defaults per device', () => {
    expect(chooseDtype(dir, 'cuda')).toBe('q4f16');
    expect(chooseDtype(dir, 'cpu')).toBe('q4');
  });
  it('names the missing files and the available dtypes', () => {
    expect(() => chooseDtype(dir, 'cpu', 'fp16')).toThrow(/embed_tokens_fp16\.onnx.*available dtypes: q4, q4f16/);
    expect(() => chooseDtype(dir, 'cpu', 'fp64')).toThrow(/unknown dtype/);
  });
});
