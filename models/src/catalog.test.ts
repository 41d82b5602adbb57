import { describe, expect, it } from 'vitest';
import { adHocEntry, CATALOG, catalogCaveats, DEFAULT_MODEL_ID, getCatalogEntry, resolveModelId } from './catalog';
import { DTYPES } from './dtypes';
import { familyIds } from './families';

describe('catalog', () => {
  it('has the four families the issue asks for, each entry consistent', () => {
    expect(CATALOG.map((e) => e.id)).toEqual(['qwen2.5-vl-3b', 'qwen2.5-vl-7b', 'qwen3-vl-2b', 'qwen2-vl-2b']);
    expect(new Set(CATALOG.map((e) => e.id)).size).toBe(CATALOG.length);
    for (const e of CATALOG) {
      expect(familyIds()).toContain(e.family);
      expect(e.dtypes.every((d) => DTYPES.includes(d))).toBe(true);
      expect(e.dtypes).toContain(e.defaultDtype.cpu);
      expect(e.dtypes).toContain(e.defaultDtype.gpu);
      expect(e.hubRepo).toMatch(/^[\w.-]+\/[\w.-]+$/);
      expect(e.licence.length).toBeGreaterThan(0);
      if (!e.verified.repo) expect(e.caveats.join(' ')).toMatch(/unverified/i);
    }
    expect(getCatalogEntry(DEFAULT_MODEL_ID).family).toBe('qwen2_5_vl');
    // Family facts come from the family table, the model's own after them.
    expect(catalogCaveats(getCatalogEntry('qwen3-vl-2b'))).toEqual([expect.stringContaining('DeepStack'), 'Grounding boxes are 0–1000 relative coordinates.']);
    expect(catalogCaveats(getCatalogEntry('qwen2.5-vl-3b'))).toEqual(['Grounding boxes are absolute pixels on the resized image.', expect.stringMatching(/^Licence restricts/)]);
  });

  it('resolves ids, repos and ad-hoc hub repos; rejects the rest with the known ids', () => {
    expect(resolveModelId('onnx-community/Qwen3-VL-2B-Instruct-ONNX').id).toBe('qwen3-vl-2b');
    expect(resolveModelId('someone/My-VL-ONNX')).toMatchObject({ id: 'my-vl-onnx', hubRepo: 'someone/My-VL-ONNX' });
    expect(() => resolveModelId('gpt-5')).toThrow(/unknown model "gpt-5" \(known: qwen2.5-vl-3b, /);
    expect(() => adHocEntry('../../etc')).toThrow(/unknown model/);
  });
});
