import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildStandIn } from '@loupe/models/standin/build';
import type { Dtype } from '@loupe/models/dtypes';
import type { FamilyId } from '@loupe/models';
import { generateCheck } from '@loupe/models/testing/generate-check';

const dirs: string[] = [];
async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loupe-standin-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const cases: Array<{ family: FamilyId; dtype: Dtype; externalData?: number; patch: number }> = [
  { family: 'qwen2_5_vl', dtype: 'fp32', patch: 14 },
  { family: 'qwen2_vl', dtype: 'q8', patch: 14 },
  { family: 'qwen3_vl', dtype: 'q4f16', externalData: 2, patch: 16 },
  { family: 'qwen2_5_vl', dtype: 'fp16', externalData: 1, patch: 14 },
];

describe('stand-in model through the real transformers.js loader', () => {
  for (const c of cases) {
    it(`${c.family} ${c.dtype}${c.externalData ? ` with ${c.externalData} external data chunk(s)` : ''} loads and generates`, async () => {
      const dir = await freshDir();
      await buildStandIn(dir, { family: c.family, dtype: c.dtype, externalData: c.externalData });
      const onnxFiles = await readdir(join(dir, 'onnx'));
      const suffix = { fp32: '', q8: '_quantized', q4f16: '_q4f16', fp16: '_fp16' }[c.dtype as string];
      expect(onnxFiles).toContain(`decoder_model_merged${suffix}.onnx`);
      if (c.externalData) expect(onnxFiles).toContain(`embed_tokens${suffix}.onnx_data`);
      const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
      expect(config.loupe_stand_in.label).toBe('test stand-in — output is noise');

      const result = await generateCheck(dir, { dtype: c.dtype, maxNewTokens: 6, width: 200, height: 150 });
      expect(result.prompt).toContain('<|vision_start|><|image_pad|><|vision_end|>Describe this image.');
      expect(result.prompt.endsWith('<|im_start|>assistant\n')).toBe(true);
      // smart_resize to multiples of patch·merge; one pad token per 2×2 merged patches.
      const [t, h, w] = result.grid;
      expect(t).toBe(1);
      expect((h! * c.patch) % (c.patch * 2)).toBe(0);
      expect(result.imagePadCount).toBe((h! * w!) / 4);
      expect(result.tokens).toHaveLength(6);
      expect(result.tokens.every((id) => id < 151643)).toBe(true);
      expect(new Set(result.tokens).size).toBeGreaterThan(1);
    });
  }

  it('is deterministic and depends on its input', async () => {
    const dir = await freshDir();
    await buildStandIn(dir, { family: 'qwen2_5_vl' });
    const a = await generateCheck(dir, { maxNewTokens: 5, width: 200, height: 150 });
    const b = await generateCheck(dir, { maxNewTokens: 5, width: 200, height: 150 });
    const c = await generateCheck(dir, { maxNewTokens: 5, width: 320, height: 240 });
    expect(b.tokens).toEqual(a.tokens);
    expect(c.tokens).not.toEqual(a.tokens);
  });

  it('ends with EOS when asked to (eosAfter) and loops when asked to (repeatTokens)', async () => {
    const eosDir = await freshDir();
    await buildStandIn(eosDir, { family: 'qwen2_5_vl', eosAfter: 1 });
    const eos = await generateCheck(eosDir, { maxNewTokens: 10 });
    expect(eos.tokens).toEqual([151645]);

    const loopDir = await freshDir();
    await buildStandIn(loopDir, { family: 'qwen3_vl', repeatTokens: [9707, 11, 1879] });
    const loop = await generateCheck(loopDir, { maxNewTokens: 9 });
    const cycle = new Set([9707, 11, 1879]);
    expect(loop.tokens.every((id) => cycle.has(id))).toBe(true);
    expect(loop.tokens.slice(0, 3)).toEqual(loop.tokens.slice(3, 6));
  });

  it('builds a variant without num_logits_to_keep that still loads', async () => {
    const dir = await freshDir();
    await buildStandIn(dir, { family: 'qwen2_vl', numLogitsToKeep: false });
    const r = await generateCheck(dir, { maxNewTokens: 3 });
    expect(r.tokens).toHaveLength(3);
  });
});
