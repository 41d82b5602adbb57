import { buildStandIn } from '@loupe/models';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { EngineEvent } from '../engine';
import { CUDA_EP_LIBS, ortBinDir, probeCuda } from './device';
import type { QwenVlEngine } from './qwen-vl-engine';
import { standInWorkshop } from './testing/stand-ins';
import { probeWebGpu } from '../device/webgpu-probe';

const webgpu = await probeWebGpu();
const cuda = await probeCuda();

/** Loading through the real loader: dtype suffixes, external data, each contract failure, devices. */
const { root, standIn, engine } = standInWorkshop('loupe-vlm-load-');
const editJson = (file: string, edit: (o: Record<string, unknown>) => void) => {
  const o = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(o);
  writeFileSync(file, JSON.stringify(o));
};

async function oneAnswer(e: QwenVlEngine): Promise<Extract<EngineEvent, { type: 'result' }>> {
  const image = await sharp({ create: { width: 80, height: 60, channels: 3, background: '#123456' } }).png().toBuffer();
  let last: EngineEvent | undefined;
  for await (const ev of e.run({ id: 'x', task: 'describe', images: [image], locale: 'zh-CN', history: [], maxTokens: 3 }, new AbortController().signal)) last = ev;
  if (last?.type !== 'result') throw new Error('no result');
  return last;
}

describe('dtype suffixes and external data', () => {
  it('picks the dtype whose files exist and lists the available ones when asked for another', async () => {
    const dir = await standIn('qwen2_5_vl', { dtype: 'q4' });
    expect(existsSync(join(dir, 'onnx', 'decoder_model_merged_q4.onnx'))).toBe(true);
    const e = engine(dir);
    const info = await e.load();
    expect(info.dtype).toBe('q4');
    // The expected speed, priced from the warm-up run: a stand-in this small is fast, but not free.
    expect(info.speed?.basis).toBe('measured at load');
    expect(info.speed!.ttft720pMs).toBeGreaterThan(0);
    expect(info.speed!.tokensPerSecond).toBeGreaterThan(0);
    expect((await oneAnswer(e)).stats.dtype).toBe('q4');
    await expect(engine(dir, { dtype: 'fp16' }).load()).rejects.toThrow(/dtype fp16 .*available dtypes: q4/);
  }, 120_000);

  it('loads half-precision (q4f16) sessions', async () => {
    const dir = await standIn('qwen3_vl', { dtype: 'q4f16' });
    const e = engine(dir);
    expect((await e.load()).dtype).toBe('q4f16');
    expect((await oneAnswer(e)).finishReason).toBe('length');
    // two images: half-precision features are concatenated per image
    const images = await Promise.all([64, 96].map((w) => sharp({ create: { width: w, height: 64, channels: 3, background: '#654321' } }).png().toBuffer()));
    let last: EngineEvent | undefined;
    for await (const ev of e.run({ id: 'm', task: 'ask', images, locale: 'en', history: [], maxTokens: 2 }, new AbortController().signal)) last = ev;
    expect(last).toMatchObject({ type: 'result', stats: { visualTokens: 4 + 6, dtype: 'q4f16' } });
  }, 120_000);

  it('loads weights split into external data chunks', async () => {
    const dir = await standIn('qwen2_vl', { externalData: 2 });
    expect(existsSync(join(dir, 'onnx', 'decoder_model_merged.onnx_data_1'))).toBe(true);
    const e = engine(dir);
    await e.load();
    expect((await oneAnswer(e)).stats.decodeTokens).toBe(3);
  }, 120_000);
});

describe('each contract failure is refused at load with its message', () => {
  it('flat config for a nested family', async () => {
    const dir = await standIn('qwen2_5_vl');
    editJson(join(dir, 'config.json'), (o) => {
      Object.assign(o, o.text_config as object);
      o.model_type = 'qwen2_5_vl';
      delete o.text_config;
    });
    await expect(engine(dir).load()).rejects.toMatchObject({ code: 'model_invalid', message: expect.stringMatching(/config\.json.*text_config/s) });
  }, 60_000);

  it('nested config for Qwen2-VL (which must be flat)', async () => {
    const dir = await standIn('qwen2_vl');
    editJson(join(dir, 'config.json'), (o) => {
      o.text_config = { num_hidden_layers: o.num_hidden_layers, num_key_value_heads: o.num_key_value_heads };
      delete o.num_hidden_layers;
      delete o.num_key_value_heads;
    });
    await expect(engine(dir).load()).rejects.toMatchObject({ code: 'model_invalid', message: expect.stringMatching(/config\.json.*(flat|num_hidden_layers)/s) });
  }, 60_000);

  for (const [flag, pattern] of [
    ['do_normalize', /preprocessor_config\.json.*do_normalize/s],
    ['processor_class', /preprocessor_config\.json.*processor_class/s],
  ] as const) {
    it(`missing preprocessor flag ${flag}`, async () => {
      const dir = await standIn('qwen2_5_vl');
      editJson(join(dir, 'preprocessor_config.json'), (o) => {
        delete o[flag];
      });
      await expect(engine(dir).load()).rejects.toMatchObject({ code: 'model_invalid', message: expect.stringMatching(pattern) });
    }, 60_000);
  }

  it('missing do_resize and size', async () => {
    const dir = await standIn('qwen2_5_vl');
    editJson(join(dir, 'preprocessor_config.json'), (o) => {
      delete o.do_resize;
      delete o.size;
    });
    await expect(engine(dir).load()).rejects.toMatchObject({ code: 'model_invalid', message: expect.stringMatching(/preprocessor_config\.json.*(do_resize|size)/s) });
  }, 60_000);

  it('missing tokenizer.json', async () => {
    const dir = await standIn('qwen3_vl');
    rmSync(join(dir, 'tokenizer.json'));
    await expect(engine(dir).load()).rejects.toMatchObject({ code: 'model_invalid', message: expect.stringMatching(/tokenizer\.json/) });
  }, 60_000);

  it('chat template missing from tokenizer_config.json', async () => {
    const dir = await standIn('qwen3_vl');
    editJson(join(dir, 'tokenizer_config.json'), (o) => {
      delete o.chat_template;
    });
    await expect(engine(dir).load()).rejects.toMatchObject({ code: 'model_invalid', message: expect.stringMatching(/tokenizer_config\.json.*chat.?template/is) });
  }, 60_000);

  it('vision encoder and embed_tokens with different float types', async () => {
    const dir = await standIn('qwen2_5_vl');
    const half = await standIn('qwen2_5_vl', { dtype: 'fp16' });
    copyFileSync(join(half, 'onnx', 'vision_encoder_fp16.onnx'), join(dir, 'onnx', 'vision_encoder.onnx'));
    await expect(engine(dir).load()).rejects.toMatchObject({ code: 'model_invalid', message: expect.stringMatching(/vision_encoder.*float16/s) });
  }, 60_000);

  it('an unknown model_type and a missing directory', async () => {
    const dir = await standIn('qwen2_vl');
    editJson(join(dir, 'config.json'), (o) => {
      o.model_type = 'llava';
    });
    await expect(engine(dir).load()).rejects.toThrow(/llava/);
    await expect(engine('nope-model').load()).rejects.toThrow(/not pulled|loupe models pull nope-model/);
    await expect(engine(join(root, 'nope-dir')).load()).rejects.toThrow(/does not exist/);
  }, 60_000);

  it('resolves a catalog id under LOUPE_HOME/models/<id>', async () => {
    await buildStandIn(join(root, 'models', 'tiny-q25'), { family: 'qwen2_5_vl' });
    const info = await engine('tiny-q25').load();
    expect(info.id).toMatch(/^tiny-q25 /);
  }, 60_000);
});

describe('devices', () => {
  const epMissing = !CUDA_EP_LIBS.every((lib) => existsSync(join(ortBinDir(), lib)));

  it.skipIf(!epMissing || cuda.usable)('auto falls back to CPU and says why it passed CUDA and WebGPU', async () => {
    const e = engine(await standIn('qwen2_vl'), { device: 'auto' });
    const info = await e.load();
    expect(info.device).toBe('cpu');
    expect(info.note).toContain(`running on CPU: CUDA: ${cuda.reason}`);
    expect(info.fallbackReason).toBe(e.report?.fallbackReason);
    if (!webgpu.usable) expect(info.fallbackReason).toContain(`WebGPU: ${webgpu.reason}`);
    expect((await oneAnswer(e)).stats.device).toBe('cpu');
  }, 60_000);

  it.skipIf(webgpu.usable)('explicit webgpu that cannot run is an error with the reason and the fix', async () => {
    const e = engine(await standIn('qwen2_vl'), { device: 'webgpu' });
    await expect(e.load()).rejects.toMatchObject({ code: 'engine_unavailable', message: expect.stringMatching(/^--device webgpu cannot run: .*\. Fix: /) });
  }, 60_000);

  it.skipIf(!epMissing)('explicit cuda that cannot run is an error naming loupe gpu-setup', async () => {
    const e = engine(await standIn('qwen2_vl'), { device: 'cuda' });
    await expect(e.load()).rejects.toMatchObject({ code: 'engine_unavailable', message: expect.stringMatching(/--device cuda cannot run: .*loupe gpu-setup/s) });
  }, 60_000);
});

const epMissingHere = !CUDA_EP_LIBS.every((lib) => existsSync(join(ortBinDir(), lib)));
describe('GPU', () => {
  it.skipIf(!cuda.usable)(`runs a stand-in on CUDA${cuda.usable ? '' : ` — SKIPPED: no usable CUDA device here (${cuda.reason})`}`, async () => {
    const e = engine(await standIn('qwen2_5_vl', { dtype: 'fp16' }), { device: 'cuda' });
    const info = await e.load();
    expect(info.device).toBe('cuda');
    const result = await oneAnswer(e);
    expect(result.stats.device).toBe('cuda');
    expect(result.stats.decodeTokens).toBe(3);
  }, 120_000);
});

describe('WebGPU', () => {
  it.skipIf(!webgpu.usable)(`runs a stand-in on WebGPU with f16 weights by default${webgpu.usable ? '' : ` — SKIPPED: no WebGPU adapter here (${webgpu.layer}: ${webgpu.reason})`}`, async () => {
    const e = engine(await standIn('qwen2_5_vl', { dtype: 'q4f16' }), { device: 'webgpu' });
    const info = await e.load();
    expect(info).toMatchObject({ device: 'webgpu', dtype: 'q4f16' });
    const result = await oneAnswer(e);
    expect(result.stats.device).toBe('webgpu');
    expect(result.stats.decodeTokens).toBe(3);
  }, 120_000);
});

describe('CUDA that passes the probe but fails to create sessions', () => {
  // Fake EP files and a fake nvidia-smi make the probe say yes; onnxruntime then really
  // fails to load the (missing) CUDA provider, which is the path this exercises.
  const fake = join(root, 'fake-cuda');
  const saved = { path: process.env.PATH, bin: process.env.LOUPE_ORT_BIN_DIR };
  const setUp = () => {
    mkdirSync(join(fake, 'bin'), { recursive: true });
    for (const lib of CUDA_EP_LIBS) writeFileSync(join(fake, lib), '');
    writeFileSync(join(fake, 'bin', 'nvidia-smi'), '#!/bin/sh\necho "NVIDIA Fake GPU, 1024 MiB"\n', { mode: 0o755 });
    process.env.PATH = `${join(fake, 'bin')}:${saved.path ?? ''}`;
    process.env.LOUPE_ORT_BIN_DIR = fake;
  };
  const tearDown = () => {
    process.env.PATH = saved.path;
    if (saved.bin === undefined) delete process.env.LOUPE_ORT_BIN_DIR;
    else process.env.LOUPE_ORT_BIN_DIR = saved.bin;
  };

  it.skipIf(!epMissingHere || process.platform !== 'linux')('auto falls back to CPU with the session error; cuda names loupe gpu-setup', async () => {
    setUp();
    try {
      expect((await probeCuda()).usable).toBe(true);
      const dir = await standIn('qwen2_5_vl');
      const auto = engine(dir, { device: 'auto' });
      const info = await auto.load();
      expect(info.device).toBe('cpu');
      expect(info.note).toMatch(/running on CPU: CUDA libraries could not be loaded/);
      await expect(engine(dir, { device: 'cuda' }).load()).rejects.toMatchObject({ code: 'engine_unavailable', message: expect.stringMatching(/--device cuda cannot run: CUDA libraries could not be loaded.*loupe gpu-setup/s) });
    } finally {
      tearDown();
    }
  }, 120_000);
});
