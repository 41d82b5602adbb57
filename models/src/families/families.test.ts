import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogCaveats, getCatalogEntry } from '../catalog';
import { runModelsCommand } from '../cli/index';
import { readOnnxIo } from '../onnx/read-io';
import { realDimsOf, REAL_DIMS } from '../real-dims';
import { buildStandIn } from '../standin/build';
import { HYPO_SYSTEM_TURN, HYPOTHETICAL_FAMILY as HYPO } from '../testing/hypothetical-family';
import { verifyModelDir } from '../verify/verify-model-dir';
import type { FamilyId } from '.';
import { defineFamily, familyIds, familyOfServedModel, findFamily, getFamily, patchRowLength, QWEN_VL_BASE, registerFamily, resizeFactor } from '.';

describe('the family table', () => {
  it('holds each built-in family once, with the facts the rest of Loupe reads', () => {
    expect(familyIds()).toEqual(['qwen2_vl', 'qwen2_5_vl', 'qwen3_vl']);
    const facts = familyIds().map((id) => {
      const f = getFamily(id);
      return [id, f.configLayout, f.textModelType, f.gridInputName, f.patchSize, resizeFactor(f), f.grounding.convention, f.grounding.format, f.video.time.kind];
    });
    expect(facts).toEqual([
      ['qwen2_vl', 'flat', undefined, 'grid_thw', 14, 28, 'normalized-1000', 'qwen2-box-tokens', 'index'],
      ['qwen2_5_vl', 'nested', 'qwen2_5_vl_text', 'image_grid_thw', 14, 28, 'absolute-resized', 'json-bbox_2d', 'absolute-mrope'],
      ['qwen3_vl', 'nested', 'qwen3_vl_text', 'image_grid_thw', 16, 32, 'normalized-1000', 'json-bbox_2d', 'text-timestamps'],
    ]);
    expect(getFamily('qwen3_vl').network).toMatchObject({ text: { qkNorm: true, qkvBias: false, mropeInterleaved: true }, vision: { deepstack: true, patchEmbedBias: true, mlpKind: 'gelu_tanh' } });
    expect(getFamily('qwen2_5_vl').network.vision).toMatchObject({ windowAttentionPx: 112, mlpKind: 'swiglu', norm: 'rms' });
    expect(getFamily('qwen3_vl').caveats.join(' ')).toMatch(/DeepStack/);
    expect(getFamily('qwen3_vl').chatTemplate).not.toBe(getFamily('qwen2_vl').chatTemplate);
  });

  it('knows a served model by its name, and falls back to the default family', () => {
    const of = (name: string) => familyOfServedModel(name).id;
    expect(of('Qwen/Qwen3-VL-8B-Instruct')).toBe('qwen3_vl');
    expect(of('qwen2-vl-7b')).toBe('qwen2_vl');
    expect(of('Qwen/Qwen2.5-VL-7B-Instruct')).toBe('qwen2_5_vl');
    expect(of('qwen2_5_vl')).toBe('qwen2_5_vl');
    expect(of('llava')).toBe('qwen2_5_vl');
  });

  it('merges an entry into the base field by field, without touching the base', () => {
    const f = defineFamily({ id: 'x_vl', label: 'X', architecture: 'X', processorClass: 'P', remoteModelName: /x/, network: { vision: { norm: 'rms' } }, imageMean: [1, 2, 3] });
    expect(f.network.vision).toEqual({ ...QWEN_VL_BASE.network.vision, norm: 'rms' });
    expect(f.network.text).toEqual(QWEN_VL_BASE.network.text);
    expect(f.imageMean).toEqual([1, 2, 3]);
    expect(QWEN_VL_BASE.network.vision.norm).toBe('layer');
    expect(f.grounding).toEqual(QWEN_VL_BASE.grounding);
  });

  it('refuses a second family with a known id, and a nested one without its text model_type', () => {
    expect(() => registerFamily(getFamily('qwen2_vl'))).toThrow(/"qwen2_vl" is already registered/);
    expect(() => registerFamily({ ...HYPO, id: 'odd_vl', textModelType: undefined })).toThrow(/nested config but no textModelType/);
    expect(() => getFamily('llava')).toThrow(/unknown model family "llava" \(known: qwen2_vl, qwen2_5_vl, qwen3_vl\)/);
  });
});

describe('a new family is one entry: the derived pieces pick up a registered hypothetical one', () => {
  let root: string;
  let remove: () => void;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'loupe-family-'));
    remove = registerFamily(HYPO);
  });
  afterAll(async () => {
    remove();
    await rm(root, { recursive: true, force: true });
  });
  const json = async (dir: string, name: string) => JSON.parse(await readFile(join(dir, name), 'utf8')) as Record<string, unknown>;

  it('registry: listed, found by id and by served name', () => {
    expect(familyIds()).toContain('hypo_vl');
    expect(findFamily('hypo_vl')).toBe(HYPO);
    expect(familyOfServedModel('Someone/Hypo-VL-7B').id).toBe('hypo_vl');
  });

  it('stand-in builder: config layout, grid input, patch rows, preprocessor and chat template come from the entry', async () => {
    const dir = join(root, 'standin');
    await buildStandIn(dir, { family: 'hypo_vl' });
    const config = await json(dir, 'config.json');
    expect(config).toMatchObject({ model_type: 'hypo_vl', architectures: ['HypoVLForConditionalGeneration'], text_config: { model_type: 'hypo_vl_text' }, vision_config: { patch_size: 12 } });
    expect(config.num_hidden_layers).toBeUndefined();
    expect(await json(dir, 'preprocessor_config.json')).toMatchObject({ processor_class: 'Qwen2_5_VLProcessor', patch_size: 12, merge_size: 2, min_pixels: 24 * 24 * 4, image_mean: [0.4, 0.4, 0.4] });
    expect((await json(dir, 'tokenizer_config.json')).chat_template).toContain(HYPO_SYSTEM_TURN);
    const vision = await readOnnxIo(join(dir, 'onnx', 'vision_encoder.onnx'));
    expect(vision.inputs.map((i) => [i.name, i.dims.at(-1)])).toEqual([
      ['pixel_values', patchRowLength(HYPO)],
      ['grid_thw', 3],
    ]);
    expect(patchRowLength(HYPO)).toBe(3 * 2 * 12 * 12);
  });

  it('verify: accepts its stand-in, and holds a Qwen2.5-VL export that claims the family to its contract', async () => {
    expect(await verifyModelDir(join(root, 'standin'))).toMatchObject({ ok: true, family: 'hypo_vl', problems: [] });
    const dir = join(root, 'claims');
    await buildStandIn(dir, { family: 'qwen2_5_vl' });
    const config = await json(dir, 'config.json');
    await writeFile(join(dir, 'config.json'), JSON.stringify({ ...config, model_type: 'hypo_vl', architectures: [HYPO.architecture], text_config: { ...(config.text_config as object), model_type: 'hypo_vl_text' } }));
    const problems = (await verifyModelDir(dir)).problems.map((p) => `${p.file}: ${p.problem}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        'preprocessor_config.json: patch_size is 14, Hypo-VL uses 12',
        expect.stringMatching(/^onnx\/vision_encoder.onnx: pixel_values rows are 1176 wide, Hypo-VL patches are 3·2·12·12 = 864/),
        expect.stringMatching(/has no grid input "grid_thw" \(it is named "image_grid_thw", which transformers.js passes only for qwen2_5_vl\/qwen3_vl\)/),
      ]),
    );
  });

  it('real dimensions: the family decides the traits, the model only the sizes', () => {
    const sizes = { ...REAL_DIMS['qwen2.5-vl-3b']!, vision: { ...REAL_DIMS['qwen2.5-vl-3b']!.vision, deepstackLayers: [3, 7] } };
    const dims = realDimsOf(HYPO, sizes);
    expect(dims.text).toMatchObject({ qkvBias: false, qkNorm: true, mropeInterleaved: false, layers: 36 });
    expect(dims.vision).toMatchObject({ patchSize: 12, mlpKind: 'swiglu', norm: 'layer', window: { sizePx: 96, fullBlocks: [7, 15, 23, 31] }, deepstackLayers: [3, 7] });
    expect(() => realDimsOf(HYPO, REAL_DIMS['qwen2.5-vl-3b']!)).toThrow(/Hypo-VL needs vision deepstackLayers/);
  });

  it('catalog and CLI: its caveats and grounding reach `models list`, `stand-in --family` takes it', async () => {
    // The catalog names shipped families only (FamilyId); an entry in table.ts would make this a plain id.
    const entry = { ...getCatalogEntry('qwen2.5-vl-3b'), family: 'hypo_vl' as FamilyId };
    expect(catalogCaveats(entry)).toEqual([HYPO.caveats[0], 'Grounding boxes are absolute pixels on the resized image.', ...entry.caveats]);
    let out = '';
    const stdout = new Writable({ write: (c, _e, done) => ((out += String(c)), done()) });
    expect(await runModelsCommand(['stand-in', join(root, 'cli'), '--family', 'hypo_vl'], { home: root, stdout })).toBe(0);
    expect(out).toMatch(/^wrote .*cli \(Hypo-VL, fp32, \d+ files\)/);
    out = '';
    await runModelsCommand(['help'], { home: root, stdout });
    expect(out).toMatch(/families: qwen2_vl qwen2_5_vl qwen3_vl hypo_vl/);
  });
});
