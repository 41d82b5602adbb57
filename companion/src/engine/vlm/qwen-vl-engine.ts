// Over 300 lines: load, warm-up and the image and video runs share one set of sessions, processor and meter.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tjs from '@huggingface/transformers';
import { familyIds, findFamily, formatProblem, resizeFactor, STAND_IN_LABEL, verifyModelDir, type Dtype, type Family } from '@loupe/models';
import type { GroundBox, ModelInfo } from '@loupe/shared';
import type { Logger } from '../../log/logger';
import { decodeToRgb } from '../../intake';
import type { Engine, EngineCapabilities, EngineEvent, EngineJob, EngineOptions, EngineStats } from '../engine';
import { Answer, statsOf } from './answer';
import { DecodeLoop, newMeter } from './decode-loop';
import { chooseDevice, DEVICE_LABEL, DeviceUnavailableError, describeCudaError, describeWebGpuError, GPU_SETUP_HINT } from './device';
import { chooseDtype } from './dtypes';
import { abortError } from './event-queue';
import { groundBoxes } from './grounding';
import { prepareStructuredOutput } from './json/structured-output';
import { patchConfigFor, pixelInputs, planImages, promptIds, ropePositions, tokenId, visualTokensFor, type PixelInput, type PreparedImage, type QwenProcessor, type RopePositions } from './inputs';
import { closeSessions, collectEos, openSessions, type LoadDevice, type VlmSessions } from './loader';
import { ModelInvalidError, readJson, resolveModelDir, type ModelConfig } from './model-dir';
import { pixelBudget, pixelBudgetFor } from './pixel-budget';
import { maxTokensFor } from './prompts';
import { Sampler, type LogitsProcessor } from './sampler';
import { describeWork, estimateFromProbe, weightBytes, type Probe } from './speed-estimate';
import { prepareVideo } from './video/video-input';

// Everything is local: no hub lookups, ever.
tjs.env.allowRemoteModels = false;
tjs.env.allowLocalModels = true;

export const QWEN_VL_ENGINE = 'qwen-vl';
export type { PreparedImage } from './inputs';

export interface LoadReport {
  device: LoadDevice;
  dtype: string;
  /** Why the engine is not on the GPU (auto fell back), or a family caveat. */
  note?: string;
  fallbackReason?: string;
}

/** What the decode loop is given: prompt ids with their pad runs, M-RoPE positions, and the pixels that fill the pads. */
interface VisionPrompt {
  ids: BigInt64Array;
  positions: RopePositions;
  pixels: PixelInput[];
  /** The pad token whose rows take the vision features (image or video pad). */
  padTokenId: number;
  visualTokens: number;
  /** Still images (grounding maps boxes back through their frames); none for a video. */
  images: PreparedImage[];
}

interface Loaded {
  sessions: VlmSessions;
  loop: DecodeLoop;
  processor: QwenProcessor;
  family: Family;
  config: ModelConfig;
  eos: Set<number>;
}

export class QwenVlEngine implements Engine {
  readonly name = QWEN_VL_ENGINE;
  private loaded: Loaded | undefined;
  private info: ModelInfo | undefined;
  private busy: Promise<void> = Promise.resolve();
  /** LOUPE_BENCH_IGNORE_EOS=1 (read at load): every job decodes exactly its maxTokens. */
  private ignoreEos = false;
  /** Hook for constrained decoding: processors that may mask logits, chosen per job. */
  logitsProcessors: (job: EngineJob) => LogitsProcessor[] = () => [];
  report: LoadReport | undefined;
  dir: string | undefined;
  /** The warm-up run's decode step: the speed estimate is priced from it. */
  private probe: (Probe & { work: ReturnType<typeof describeWork> }) | undefined;

  constructor(
    private readonly options: EngineOptions,
    private readonly log?: Logger,
  ) {}

  capabilities(): EngineCapabilities {
    return { kind: 'vlm', tasks: ['describe', 'ocr', 'code', 'ask', 'ground'], maxPixels: Math.max(...Object.values(pixelBudgetFor)), multiImage: true, video: true };
  }

  async load(): Promise<ModelInfo> {
    if (this.info) return this.info;
    this.ignoreEos = process.env.LOUPE_BENCH_IGNORE_EOS === '1';
    const { dir, id } = resolveModelDir(this.options.model, this.options.home);
    this.dir = dir;
    const config = readJson<ModelConfig>(dir, 'config.json');
    const family = findFamily(config.model_type);
    if (!family) {
      throw new ModelInvalidError(dir, [
        `config.json: model_type "${config.model_type ?? '(missing)'}" is not a supported vision-language family (supported: ${familyIds().join(', ')}); use a Qwen-VL export in the transformers.js layout.`,
      ]);
    }
    const { device, fallbackReason } = await this.chooseDevice();
    let dtype = chooseDtype(dir, device, this.options.dtype);
    // Every load runs the full contract check first: a load never silently produces garbage.
    await this.verify(dir, dtype);
    const processor = (await tjs.AutoProcessor.from_pretrained(dir, { local_files_only: true })) as unknown as QwenProcessor;
    if (!processor.image_processor || !processor.tokenizer) {
      throw new ModelInvalidError(dir, ['preprocessor_config.json: did not yield a Qwen-VL processor (image processor + tokenizer); check processor_class.']);
    }
    const generation = existsSync(join(dir, 'generation_config.json')) ? readJson<Record<string, unknown>>(dir, 'generation_config.json') : undefined;
    const eos = collectEos(config, generation, tokenId(processor, '<|im_end|>'));
    const base = { processor, family, config, eos };
    let loadedOn: LoadDevice = device;
    let reason = fallbackReason;
    try {
      await this.start(dir, device, dtype, base);
    } catch (error) {
      if (device === 'cpu' || error instanceof ModelInvalidError) throw error;
      // The GPU failed while creating sessions or on the warm-up run (e.g. out of memory).
      const why = device === 'cuda' ? describeCudaError(error) : describeWebGpuError(error);
      if (this.options.device === 'cuda') throw new DeviceError(`--device cuda cannot run: ${why}`);
      if (this.options.device === 'webgpu') throw new DeviceUnavailableError(`--device webgpu cannot run: ${why}`, 'use --device cpu, or a smaller model/dtype');
      // auto may already have passed CUDA on its way to WebGPU: keep that step's reason too.
      reason = fallbackReason ? `${fallbackReason}; ${DEVICE_LABEL[device]}: ${why}` : why;
      loadedOn = 'cpu';
      const cpuDtype = chooseDtype(dir, 'cpu', this.options.dtype);
      if (cpuDtype !== dtype) await this.verify(dir, cpuDtype);
      dtype = cpuDtype;
      this.log?.warn({ reason: why, device }, 'GPU load failed; falling back to CPU');
      await this.start(dir, 'cpu', dtype, base);
    }

    const standIn = Boolean(config.loupe_stand_in);
    const notes = [...(reason ? [`running on ${DEVICE_LABEL[loadedOn]}: ${reason}`] : []), ...family.caveats, ...(standIn ? [`${STAND_IN_LABEL}`] : [])];
    this.report = { device: loadedOn, dtype, ...(reason ? { fallbackReason: reason } : {}), ...(notes.length ? { note: notes.join(' ') } : {}) };
    const speed = this.probe ? estimateFromProbe(weightBytes(dir, dtype), this.probe.work, this.probe) : undefined;
    this.log?.info({ model: id, family: family.id, device: loadedOn, dtype, standIn, fallback: reason, ignoreEos: this.ignoreEos || undefined, speed }, 'VLM loaded');
    this.info = {
      id: standIn ? `${id} (${STAND_IN_LABEL})` : id,
      engine: standIn ? `${QWEN_VL_ENGINE} (${STAND_IN_LABEL})` : QWEN_VL_ENGINE,
      device: loadedOn,
      dtype,
      standIn,
      ...(reason ? { fallbackReason: reason } : {}),
      ...(this.report.note ? { note: this.report.note } : {}),
      ...(speed ? { speed } : {}),
    };
    return this.info;
  }

  private async verify(dir: string, dtype: string): Promise<void> {
    const problems = (await verifyModelDir(dir, { dtype: dtype as Dtype })).problems.filter((p) => p.severity === 'error').map(formatProblem);
    if (problems.length > 0) throw new ModelInvalidError(dir, problems);
  }

  /** Creates the sessions, checks them, and runs the warm-up; releases them again on failure. */
  private async start(dir: string, device: LoadDevice, dtype: string, base: Omit<Loaded, 'sessions' | 'loop'>): Promise<void> {
    const layers = Number((base.config.text_config as { num_hidden_layers?: unknown } | undefined)?.num_hidden_layers ?? base.config.num_hidden_layers) || undefined;
    const note = (message: string) => this.log?.info({ device }, message);
    const sessions = await openSessions(dir, device, dtype, { ...(this.options.threads ? { threads: this.options.threads } : {}), ...(layers ? { layers } : {}), note });
    try {
      this.loaded = { ...base, sessions, loop: new DecodeLoop(sessions, base.family.gridInputName) };
      this.report = { device, dtype };
      await this.warmUp(device);
    } catch (error) {
      this.loaded = undefined;
      await closeSessions(sessions);
      throw error;
    }
  }

  async unload(): Promise<void> {
    const loaded = this.loaded;
    this.loaded = undefined;
    this.info = undefined;
    await closeSessions(loaded?.sessions);
  }

  /** For tests: the sessions, processor, family and config.json of the loaded model. */
  internals(): Omit<Loaded, 'loop' | 'eos'> {
    if (!this.loaded) throw new Error('the VLM is not loaded');
    const { sessions, processor, family, config } = this.loaded;
    return { sessions, processor, family, config };
  }

  private async chooseDevice(): Promise<{ device: LoadDevice; fallbackReason?: string }> {
    const { device, fallbackReason } = await chooseDevice(this.options.device, this.options.gpuFailure ? { gpuFailure: this.options.gpuFailure } : {});
    if (fallbackReason) this.log?.warn({ reason: fallbackReason, device }, 'GPU unavailable; using the next device');
    return { device, ...(fallbackReason ? { fallbackReason } : {}) };
  }

  /** A tiny generation (the first runs of each session), then the speed probe: one decode step at a 720p describe's prompt length. */
  private async warmUp(device: LoadDevice): Promise<void> {
    const side = resizeFactor(this.loaded!.family) * 2;
    const rgb = new Uint8Array(side * side * 3).fill(200);
    const image: PreparedImage = {
      rgb,
      frame: { crop: { x: 0, y: 0, width: side, height: side }, resized: { width: side, height: side }, original: { width: side, height: side } },
    };
    const job: EngineJob = { id: 'warm-up', task: 'ask', images: [], prompt: 'Hi', locale: 'en', history: [], maxTokens: 2 };
    this.probe = undefined;
    for await (const event of this.generate(job, this.imagePrompt(job, [image]), new AbortController().signal)) void event;
    // The warm-up's own steps run at a context of a few dozen tokens, where reading the KV cache costs nothing.
    const { family } = this.loaded!;
    const work = describeWork(family.patchSize, family.mergeSize, pixelBudget('describe', device, this.options.imageDetail));
    this.probe = { stepMs: await this.loaded!.loop.timeStep(work.promptTokens), work };
  }

  run(job: EngineJob, signal: AbortSignal): AsyncIterable<EngineEvent> {
    return this.runJob(job, signal);
  }

  private async *runJob(job: EngineJob, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    // One job at a time on the model: the KV cache and meters are per run.
    const previous = this.busy;
    let release!: () => void;
    this.busy = new Promise<void>((resolve) => (release = resolve));
    await previous;
    try {
      if (signal.aborted) throw abortError();
      const loaded = this.loaded;
      if (!loaded) throw new Error('the VLM is not loaded');
      const started = performance.now();
      if (job.video) {
        const video = await prepareVideo(job, loaded.processor, loaded.family, loaded.config, patchConfigFor(loaded.processor, loaded.family));
        const vision: VisionPrompt = { ids: video.ids, positions: video.positions, pixels: [video.pixels], padTokenId: video.padTokenId, visualTokens: video.visualTokens, images: [] };
        const seen = { videoFrames: video.plan.frames.length, videoFrameTimes: video.plan.times };
        this.log?.debug({ jobId: job.id, frames: job.images.length, seen: seen.videoFrames, size: video.plan.size, groups: video.plan.groups, visualTokens: video.visualTokens }, 'video input');
        yield* this.generate(job, vision, signal, performance.now() - started, seen);
        return;
      }
      const planned = await planImages(job, loaded.processor, loaded.family, pixelBudget(job.task, this.report?.device ?? 'cpu', this.options.imageDetail));
      // libvips decodes on its own threads while this thread builds the prompt's tokens: the
      // visual token counts follow from the planned sizes, before any pixel is decoded.
      const decoding = Promise.all(planned.map(({ bytes, options, plan }) => decodeToRgb(bytes, options, plan)));
      let ids: BigInt64Array;
      try {
        const patch = patchConfigFor(loaded.processor, loaded.family);
        ids = promptIds(job, planned.map(({ plan }) => visualTokensFor(plan.out, patch)), loaded.processor, loaded.family);
      } catch (error) {
        await decoding.catch(() => undefined);
        throw error;
      }
      const images = (await decoding).map((decoded): PreparedImage => ({
        rgb: decoded.data,
        frame: { crop: decoded.crop, resized: { width: decoded.width, height: decoded.height }, original: decoded.original },
      }));
      yield* this.generate(job, this.imagePrompt(job, images, ids), signal, performance.now() - started);
    } finally {
      release();
    }
  }

  /** Pixels, prompt ids and positions for still images. */
  private imagePrompt(job: EngineJob, images: PreparedImage[], ids?: BigInt64Array): VisionPrompt {
    const { processor, family, config } = this.loaded!;
    const patch = patchConfigFor(processor, family);
    const pixels = pixelInputs(images, patch);
    const visualTokens = images.map((image) => visualTokensFor(image.frame.resized, patch));
    const promptTokenIds = ids ?? promptIds(job, visualTokens, processor, family);
    const positions = ropePositions(config, promptTokenIds, pixels.map((p) => p.grid));
    const padTokenId = typeof config.image_token_id === 'number' ? config.image_token_id : (tokenId(processor, '<|image_pad|>') ?? -1);
    return { ids: promptTokenIds, positions, pixels, padTokenId, visualTokens: visualTokens.reduce((a, b) => a + b, 0), images };
  }

  private async *generate(job: EngineJob, vision: VisionPrompt, signal: AbortSignal, preprocessMs = 0, seen?: Pick<EngineStats, 'videoFrames' | 'videoFrameTimes'>): AsyncGenerator<EngineEvent> {
    const loaded = this.loaded;
    if (!loaded) throw new Error('the VLM is not loaded');
    const { processor, family, eos, loop } = loaded;
    const { images } = vision;

    const maxTokens = job.maxTokens ?? maxTokensFor[job.task];
    const eosId = tokenId(processor, '<|im_end|>') ?? [...eos][0] ?? -1;
    const structured = job.format ? prepareStructuredOutput(job.format, { jobId: job.id, tokenizer: processor.tokenizer, eos: eosId, maxTokens }) : undefined;
    // The grammar's mask runs last: no later processor can pick a token it forbids.
    const sampler = new Sampler(job.sampling, [...this.logitsProcessors(job), ...(structured ? [structured.constraint.processor] : [])]);
    const answer = new Answer({
      task: job.task,
      maxTokens,
      structured: Boolean(structured),
      eos,
      stop: job.sampling?.stop ?? [],
      ignoreEos: this.ignoreEos,
      decode: (tokens) => processor.tokenizer.decode(tokens, { skip_special_tokens: true }),
    });
    const meter = newMeter();
    const jobStart = performance.now();
    for await (const id of loop.tokens({ ids: vision.ids, positions: vision.positions, images: vision.pixels, imageTokenId: vision.padTokenId, maxNewTokens: maxTokens }, (logits, soFar) => sampler.pick(logits, soFar), signal, meter)) {
      const { delta, done } = answer.push(id);
      if (delta) yield { type: 'delta', text: delta };
      if (done) break;
      if (signal.aborted) throw abortError();
    }
    if (signal.aborted) throw abortError();
    const tail = answer.flush();
    if (tail) yield { type: 'delta', text: tail };
    if (structured) {
      const { steps, totalMs, maxMs } = structured.constraint.cost;
      this.log?.debug({ jobId: job.id, maskSteps: steps, maskMsPerStep: steps ? Math.round((totalMs / steps) * 100) / 100 : 0, maskMaxMs: Math.round(maxMs * 100) / 100 }, 'constrained decoding');
      structured.check(answer.shown);
    }
    const generated = answer.tokens;
    // A video's frames are counted as videoFrames, not images.
    const stats = { ...statsOf(meter, jobStart, preprocessMs, generated.length, vision.visualTokens, this.report?.device ?? 'cpu', this.report?.dtype ?? 'unknown'), ...(seen ?? { images: images.length }) };
    let boxes: GroundBox[] | undefined;
    if (job.task === 'ground' && images[0]) {
      // An empty answer (EOS first) has nothing to decode: the tokenizer rejects an empty list.
      const said = generated.filter((id) => !eos.has(id));
      const raw = said.length > 0 ? processor.tokenizer.decode(said, { skip_special_tokens: false }) : '';
      boxes = groundBoxes(raw, family, images[0].frame);
    }
    yield { type: 'result', text: answer.shown, finishReason: answer.finishReason, stats, ...(boxes ? { boxes } : {}) };
  }
}

/** Explicit --device cuda that cannot run: names the fix. */
export class DeviceError extends Error {
  readonly code = 'engine_unavailable';
  readonly hint = GPU_SETUP_HINT;
  constructor(message: string) {
    super(`${message}. ${GPU_SETUP_HINT}`);
    this.name = 'DeviceError';
  }
}
