import * as tjs from '@huggingface/transformers';
import { formatProblem, STAND_IN_LABEL, verifyModelDir, type Dtype } from '@loupe/models';
import type { GroundBox, ModelInfo } from '@loupe/shared';
import { ProtocolError } from '@loupe/shared';
import type { Logger } from '../../log/logger';
import { decodeToRgb, planDecode, type DecodeOptions, type DecodePlan } from '../../intake';
import type { Engine, EngineCapabilities, EngineEvent, EngineJob, EngineOptions, EngineStats } from '../engine';
import { buildChat, expandImagePads, expandPadIds } from './chat';
import { chooseDevice, describeCudaError, describeWebGpuError, DEVICE_LABEL, DeviceUnavailableError, GPU_SETUP_HINT, deviceSessionOptions, type Device } from './device';
import { chooseDtype } from './dtypes';
import { abortError, EventQueue } from './event-queue';
import { familyFor, type VlmFamily } from './families';
import { groundBoxes, type GroundingFrame } from './grounding';
import { ModelInvalidError, readJson, resolveModelDir, type ModelConfig } from './model-dir';
import { patchify, type PatchifyConfig } from './patchify';
import { maxTokensFor, pixelBudgetFor, taskPrompt } from './prompts';
import { guardOptionsFor, RepetitionGuard } from './repetition-guard';
import { TokenText } from './token-stream';

const { env, AutoProcessor, AutoModelForImageTextToText, Tensor, cat, BaseStreamer, StoppingCriteria } = tjs;

// Everything is local: no hub lookups, ever.
env.allowRemoteModels = false;
env.allowLocalModels = true;

export const QWEN_VL_ENGINE = 'qwen-vl';

/* Minimal shapes of the transformers.js objects we touch (its .d.ts is loose). */
type TensorT = InstanceType<typeof Tensor>;
interface OrtSessionLike {
  inputNames: readonly string[];
  outputNames: readonly string[];
  inputMetadata?: readonly { name: string; isTensor: boolean; type?: string }[];
  outputMetadata?: readonly { name: string; isTensor: boolean; type?: string }[];
  run(feeds: Record<string, unknown>, ...rest: unknown[]): Promise<Record<string, unknown>>;
}
interface VlModel {
  sessions: Record<string, OrtSessionLike>;
  config: Record<string, unknown>;
  generation_config?: { eos_token_id?: number | number[] | null };
  encode_image(inputs: { pixel_values: TensorT; image_grid_thw: TensorT }): Promise<TensorT>;
  forward(inputs: Record<string, unknown>): Promise<Record<string, unknown>>;
  generate(options: Record<string, unknown>): Promise<unknown>;
  get_rope_index(input_ids: TensorT, image_grid_thw: TensorT | null, video_grid_thw: TensorT | null, attention_mask: TensorT | null): [TensorT, TensorT];
  dispose(): Promise<unknown>;
}
interface QwenProcessor {
  image_processor: ((image: unknown) => Promise<{ pixel_values: TensorT; image_grid_thw: TensorT }>) & { config: Record<string, unknown>; min_pixels?: number; max_pixels?: number };
  tokenizer: ((text: string | string[], options?: Record<string, unknown>) => { input_ids: TensorT; attention_mask: TensorT }) & {
    decode(ids: number[] | bigint[], options?: { skip_special_tokens?: boolean }): string;
    convert_tokens_to_ids?(tokens: string[]): number[];
    model?: { tokens_to_ids?: Map<string, number> };
  };
  apply_chat_template(messages: unknown[], options: Record<string, unknown>): string;
}

/** Per-job timings filled by the instrumented model methods. */
interface JobMeter {
  signal: AbortSignal;
  visionEncodeMs: number;
  forwardCalls: number;
  prefillStart?: number;
  prefillMs?: number;
}

interface TextInputs {
  input_ids: TensorT;
  attention_mask: TensorT;
}

export interface PreparedImage {
  rgb: Uint8Array;
  frame: GroundingFrame;
}

export interface LoadReport {
  device: Device;
  dtype: string;
  /** Why the engine is not on the GPU (auto fell back), or a family caveat. */
  note?: string;
  fallbackReason?: string;
}

export class QwenVlEngine implements Engine {
  readonly name = QWEN_VL_ENGINE;
  private model: VlModel | undefined;
  private processor: QwenProcessor | undefined;
  private family: VlmFamily | undefined;
  private info: ModelInfo | undefined;
  private eosIds = new Set<number>();
  private meter: JobMeter | undefined;
  private busy: Promise<void> = Promise.resolve();
  report: LoadReport | undefined;
  dir: string | undefined;

  constructor(
    private readonly options: EngineOptions,
    private readonly log?: Logger,
  ) {}

  capabilities(): EngineCapabilities {
    return { kind: 'vlm', tasks: ['describe', 'ocr', 'code', 'ask', 'ground'], maxPixels: Math.max(...Object.values(pixelBudgetFor)), multiImage: true };
  }

  async load(): Promise<ModelInfo> {
    if (this.info) return this.info;
    const { dir, id } = resolveModelDir(this.options.model, this.options.home);
    this.dir = dir;
    const config = readJson<ModelConfig>(dir, 'config.json');
    let family: VlmFamily;
    try {
      family = familyFor(config.model_type);
    } catch (error) {
      throw new ModelInvalidError(dir, [`config.json: ${(error as Error).message}`]);
    }
    const { device, fallbackReason } = await this.chooseDevice();
    let dtype = chooseDtype(dir, device, this.options.dtype);
    // Every load runs the full contract check first: a load never silently produces garbage.
    const verified = await verifyModelDir(dir, { dtype: dtype as Dtype });
    const problems = verified.problems.filter((p) => p.severity === 'error').map(formatProblem);
    if (problems.length > 0) throw new ModelInvalidError(dir, problems);
    this.family = family;
    const processor = (await AutoProcessor.from_pretrained(dir, { local_files_only: true })) as unknown as QwenProcessor;
    if (!processor.image_processor || !processor.tokenizer) {
      throw new ModelInvalidError(dir, ['preprocessor_config.json: did not yield a Qwen-VL processor (image processor + tokenizer); check processor_class.']);
    }
    this.processor = processor;
    this.eosIds = this.collectEos(config, undefined, processor);
    let loadedOn: Device = device;
    let reason = fallbackReason;
    try {
      await this.start(dir, device, dtype, config, processor);
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
      if (cpuDtype !== dtype) {
        const again = (await verifyModelDir(dir, { dtype: cpuDtype as Dtype })).problems.filter((p) => p.severity === 'error').map(formatProblem);
        if (again.length > 0) throw new ModelInvalidError(dir, again);
      }
      dtype = cpuDtype;
      this.log?.warn({ reason: why, device }, 'GPU load failed; falling back to CPU');
      await this.start(dir, 'cpu', dtype, config, processor);
    }

    const standIn = Boolean(config.loupe_stand_in);
    const notes = [...(reason ? [`running on ${DEVICE_LABEL[loadedOn]}: ${reason}`] : []), ...family.caveats, ...(standIn ? [`${STAND_IN_LABEL}`] : [])];
    this.report = { device: loadedOn, dtype, ...(reason ? { fallbackReason: reason } : {}), ...(notes.length ? { note: notes.join(' ') } : {}) };
    this.log?.info({ model: id, family: family.modelType, device: loadedOn, dtype, standIn, fallback: reason }, 'VLM loaded');
    this.info = {
      id: standIn ? `${id} (${STAND_IN_LABEL})` : id,
      engine: standIn ? `${QWEN_VL_ENGINE} (${STAND_IN_LABEL})` : QWEN_VL_ENGINE,
      device: loadedOn,
      dtype,
      standIn,
      ...(reason ? { fallbackReason: reason } : {}),
      ...(this.report.note ? { note: this.report.note } : {}),
    };
    return this.info;
  }

  /** Creates the sessions, checks them, and runs the warm-up; disposes them again on failure. */
  private async start(dir: string, device: Device, dtype: string, config: ModelConfig, processor: QwenProcessor): Promise<void> {
    const model = await this.loadModel(dir, device, dtype);
    try {
      this.checkSessionDtypes(dir, model);
      this.model = model;
      this.instrument(model);
      this.eosIds = this.collectEos(config, model, processor);
      this.report = { device, dtype };
      await this.warmUp();
    } catch (error) {
      this.model = undefined;
      await model.dispose().catch(() => undefined);
      throw error;
    }
  }

  async unload(): Promise<void> {
    const model = this.model;
    this.model = undefined;
    this.processor = undefined;
    this.info = undefined;
    await model?.dispose();
  }

  /** For tests: the loaded transformers.js model and processor. */
  internals(): { model: VlModel; processor: QwenProcessor; family: VlmFamily } {
    if (!this.model || !this.processor || !this.family) throw new Error('the VLM is not loaded');
    return { model: this.model, processor: this.processor, family: this.family };
  }

  private async chooseDevice(): Promise<{ device: Device; fallbackReason?: string }> {
    const { device, fallbackReason } = await chooseDevice(this.options.device, this.options.gpuFailure ? { gpuFailure: this.options.gpuFailure } : {});
    if (fallbackReason) this.log?.warn({ reason: fallbackReason, device }, 'GPU unavailable; using the next device');
    return { device, ...(fallbackReason ? { fallbackReason } : {}) };
  }

  private async loadModel(dir: string, device: Device, dtype: string): Promise<VlModel> {
    const session_options: Record<string, unknown> = { ...deviceSessionOptions(device) };
    if (this.options.threads) session_options.intraOpNumThreads = this.options.threads;
    // onnxruntime's pool threads busy-wait after each op by default. The companion shares the
    // user's cores with the daemon, the OCR host and the browser: spinning threads starve the JS
    // thread that samples the next token (measured 27-33 → 80-107 tokens/s on 2 busy cores).
    session_options.extra = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };
    const model = await AutoModelForImageTextToText.from_pretrained(dir, {
      local_files_only: true,
      device,
      dtype: dtype as 'fp32',
      session_options,
    });
    return model as unknown as VlModel;
  }

  /** Image features are copied raw into the pad rows: both sessions must agree on the float type. */
  private checkSessionDtypes(dir: string, model: VlModel): void {
    const typeOf = (session: string, output: string) => {
      const meta = model.sessions[session]?.outputMetadata?.find((m) => m.name === output);
      return meta && meta.isTensor ? meta.type : undefined;
    };
    const vision = typeOf('vision_encoder', 'image_features');
    const embeds = typeOf('embed_tokens', 'inputs_embeds');
    if (!vision || !embeds) {
      throw new ModelInvalidError(dir, [
        `onnx/: expected outputs vision_encoder.image_features and embed_tokens.inputs_embeds (found ${model.sessions.vision_encoder?.outputNames.join(', ')} / ${model.sessions.embed_tokens?.outputNames.join(', ')}); use a transformers.js Qwen-VL export.`,
      ]);
    }
    if (vision !== embeds) {
      throw new ModelInvalidError(dir, [
        `onnx/: vision_encoder outputs ${vision} image features but embed_tokens outputs ${embeds} embeddings; merging them would silently corrupt the input. Use matching dtypes for both sessions (pass --dtype, or re-pull the model).`,
      ]);
    }
  }

  private collectEos(config: ModelConfig, model: VlModel | undefined, processor: QwenProcessor): Set<number> {
    const ids = new Set<number>();
    const add = (v: unknown) => {
      if (typeof v === 'number') ids.add(v);
      else if (Array.isArray(v)) v.forEach(add);
    };
    add(config.eos_token_id);
    add((config.text_config as Record<string, unknown> | undefined)?.eos_token_id);
    add(model?.generation_config?.eos_token_id);
    add(tokenId(processor, '<|im_end|>'));
    return ids;
  }

  /** Splits the vision pass per image (the processor would stack images as video frames) and times it. */
  private instrument(model: VlModel): void {
    const encode = Object.getPrototypeOf(model).encode_image as VlModel['encode_image'];
    const forward = Object.getPrototypeOf(model).forward as VlModel['forward'];
    model.encode_image = async ({ pixel_values, image_grid_thw }) => {
      const meter = this.meter;
      const start = performance.now();
      const grids = image_grid_thw.tolist() as bigint[][];
      const features: TensorT[] = [];
      let offset = 0;
      for (const grid of grids) {
        if (meter?.signal.aborted) throw abortError();
        const patches = grid.reduce((a, b) => a * Number(b), 1);
        const slice = grids.length === 1 ? pixel_values : pixel_values.slice([offset, offset + patches], null);
        offset += patches;
        features.push(await encode.call(model, { pixel_values: slice, image_grid_thw: new Tensor('int64', BigInt64Array.from(grid), [1, 3]) }));
      }
      if (meter) meter.visionEncodeMs += performance.now() - start;
      return features.length === 1 ? features[0]! : cat(features, 0);
    };
    model.forward = async (inputs) => {
      const meter = this.meter;
      if (meter && meter.forwardCalls++ === 0) {
        meter.prefillStart = performance.now();
        const out = await forward.call(model, inputs);
        meter.prefillMs = performance.now() - meter.prefillStart - meter.visionEncodeMs;
        return out;
      }
      return forward.call(model, inputs);
    };
  }

  /** The image processor's own settings, applied by patchify() instead of its JS loops. */
  private patchConfig(): PatchifyConfig {
    const ip = this.processor!.image_processor as unknown as Record<string, unknown> & { config: Record<string, unknown> };
    const family = this.family!;
    const num = (v: unknown, d: number) => (typeof v === 'number' ? v : d);
    const triple = (v: unknown, d: number[]) => (Array.isArray(v) ? (v as number[]) : typeof v === 'number' ? [v, v, v] : d);
    return {
      patchSize: num(ip.config.patch_size, family.patchSize),
      mergeSize: num(ip.config.merge_size, family.mergeSize),
      temporalPatchSize: num(ip.config.temporal_patch_size, 2),
      mean: triple(ip.image_mean, [0, 0, 0]),
      std: triple(ip.image_std, [1, 1, 1]),
      rescaleFactor: num(ip.rescale_factor, 1 / 255),
      doRescale: ip.do_rescale !== false,
      doNormalize: ip.do_normalize === true,
    };
  }

  private async warmUp(): Promise<void> {
    const factor = (this.family?.patchSize ?? 14) * (this.family?.mergeSize ?? 2);
    const side = factor * 2;
    const rgb = new Uint8Array(side * side * 3).fill(200);
    const image: PreparedImage = {
      rgb,
      frame: { crop: { x: 0, y: 0, width: side, height: side }, resized: { width: side, height: side }, original: { width: side, height: side } },
    };
    const job: EngineJob = { id: 'warm-up', task: 'ask', images: [], prompt: 'Hi', locale: 'en', history: [], maxTokens: 2 };
    for await (const _ of this.generate(job, [image], new AbortController().signal)) {
      // discard
    }
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
      const started = performance.now();
      const planned = await this.planImages(job);
      // libvips decodes on its own threads while this thread builds the prompt's tokens: the
      // visual token counts follow from the planned sizes, before any pixel is decoded.
      const decoding = Promise.all(planned.map(({ bytes, options, plan }) => decodeToRgb(bytes, options, plan)));
      let text: TextInputs;
      try {
        text = this.textInputs(job, planned.map(({ plan }) => this.visualTokensFor(plan.out)));
      } catch (error) {
        await decoding.catch(() => undefined);
        throw error;
      }
      const images = (await decoding).map((decoded): PreparedImage => ({
        rgb: decoded.data,
        frame: { crop: decoded.crop, resized: { width: decoded.width, height: decoded.height }, original: decoded.original },
      }));
      const preprocessMs = performance.now() - started;
      yield* this.generate(job, images, signal, preprocessMs, text);
    } finally {
      release();
    }
  }

  /** Checks each image and fixes the size it will be decoded to (the task's pixel budget, in multiples of 28). */
  private async planImages(job: EngineJob): Promise<Array<{ bytes: Uint8Array; options: DecodeOptions; plan: DecodePlan }>> {
    const processor = this.processor;
    const family = this.family;
    if (!processor || !family) throw new Error('the VLM is not loaded');
    if (job.images.length === 0 && job.task !== 'ask') {
      throw new ProtocolError('bad_request', `task "${job.task}" needs an image`, 'Send an image with the job.', job.id);
    }
    const factor = family.patchSize * family.mergeSize;
    const ip = processor.image_processor;
    const procMin = Number(ip.min_pixels ?? factor * factor * 4);
    const procMax = Number(ip.max_pixels ?? 12_845_056);
    // Compare: several images share the budget of about one and a half large ones.
    const budget = Math.min(pixelBudgetFor[job.task], job.images.length > 1 ? Math.max(250_000, 1_500_000 / job.images.length) : Infinity);
    const maxPixels = Math.max(procMin, Math.min(budget, procMax));
    return Promise.all(
      job.images.map(async (bytes, index) => {
        const options: DecodeOptions = { ...(index === 0 && job.region ? { region: job.region } : {}), maxPixels, multipleOf: factor, minPixels: procMin };
        return { bytes, options, plan: await planDecode(bytes, options) };
      }),
    );
  }

  private visualTokensFor(size: { width: number; height: number }): number {
    const { patchSize, mergeSize } = this.patchConfig();
    return (size.width / patchSize) * (size.height / patchSize) / (mergeSize * mergeSize);
  }

  /** The chat prompt as input_ids and attention_mask, each image's pad token repeated once per visual token. */
  private textInputs(job: EngineJob, visualTokens: number[]): TextInputs {
    const processor = this.processor;
    const family = this.family;
    if (!processor || !family) throw new Error('the VLM is not loaded');
    const imageCount = visualTokens.length;
    const prompt = taskPrompt(job.task, { family, locale: job.locale, ...(job.prompt ? { prompt: job.prompt } : {}), imageCount });
    const firstTurnText = taskPrompt(job.task === 'ask' ? 'describe' : job.task, { family, locale: job.locale, imageCount });
    const messages = buildChat({ imageCount, history: job.history, text: prompt, firstTurnText });
    const chatText = processor.apply_chat_template(messages, { add_generation_prompt: true, tokenize: false, ...(imageCount > 1 ? { add_vision_id: true } : {}) });
    const padId = tokenId(processor, '<|image_pad|>');
    if (padId !== undefined) {
      const ids = expandPadIds(processor.tokenizer(chatText, { add_special_tokens: false }).input_ids.data as BigInt64Array, BigInt(padId), visualTokens);
      return { input_ids: new Tensor('int64', ids, [1, ids.length]), attention_mask: new Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]) };
    }
    const { input_ids, attention_mask } = processor.tokenizer(expandImagePads(chatText, visualTokens), { add_special_tokens: false });
    return { input_ids, attention_mask };
  }

  private async *generate(job: EngineJob, images: PreparedImage[], signal: AbortSignal, preprocessMs = 0, text?: TextInputs): AsyncGenerator<EngineEvent> {
    const model = this.model;
    const processor = this.processor;
    const family = this.family;
    if (!model || !processor || !family) throw new Error('the VLM is not loaded');
    const t0 = performance.now();

    // Each image through the image processor on its own, then concatenated: the processor
    // would otherwise stack several images as the frames of one video.
    const pixelParts: TensorT[] = [];
    const gridParts: TensorT[] = [];
    const visualTokens: number[] = [];
    const patchConfig = this.patchConfig();
    for (const image of images) {
      const { width, height } = image.frame.resized;
      const p = patchify(image.rgb, width, height, patchConfig);
      pixelParts.push(new Tensor('float32', p.data, [p.rows, p.rowLength]));
      gridParts.push(new Tensor('int64', BigInt64Array.from(p.grid.map(BigInt)), [1, 3]));
      visualTokens.push(this.visualTokensFor(image.frame.resized));
    }
    const inputs: Record<string, unknown> = { ...(text ?? this.textInputs(job, visualTokens)) };
    if (images.length > 0) {
      inputs.pixel_values = pixelParts.length === 1 ? pixelParts[0] : cat(pixelParts, 0);
      inputs.image_grid_thw = gridParts.length === 1 ? gridParts[0] : cat(gridParts, 0);
    }
    preprocessMs += performance.now() - t0;

    const maxTokens = job.maxTokens ?? maxTokensFor[job.task];
    const queue = new EventQueue<EngineEvent>();
    const guard = new RepetitionGuard(guardOptionsFor(job.task));
    const decoder = new TokenText((ids) => processor.tokenizer.decode(ids, { skip_special_tokens: true }));
    const generated: number[] = [];
    const eos = this.eosIds;
    let stopReason: 'repetition' | 'abort' | undefined;
    let firstTokenAt: number | undefined;
    let lastTokenAt = 0;
    const jobStart = performance.now();
    const meter: JobMeter = { signal, visionEncodeMs: 0, forwardCalls: 0 };
    this.meter = meter;

    class Streamer extends BaseStreamer {
      private prompt = true;
      override put(value: bigint[][]): void {
        if (this.prompt) {
          this.prompt = false;
          return;
        }
        const id = Number(value[0]?.[0]);
        const now = performance.now();
        firstTokenAt ??= now;
        lastTokenAt = now;
        generated.push(id);
        if (!eos.has(id)) {
          const delta = decoder.push(id);
          if (delta) queue.push({ type: 'delta', text: delta });
          if (guard.push(id)) stopReason ??= 'repetition';
        }
        if (signal.aborted) stopReason = 'abort';
      }
      override end(): void {
        // the final flush happens after generate() returns
      }
    }
    class StopWhenAsked extends StoppingCriteria {
      override _call(input_ids: number[][]): boolean[] {
        if (signal.aborted) stopReason = 'abort';
        return input_ids.map(() => stopReason !== undefined);
      }
    }

    let settled = false;
    const generation = model
      .generate({
        ...inputs,
        max_new_tokens: maxTokens,
        do_sample: false,
        eos_token_id: [...eos],
        streamer: new Streamer(),
        stopping_criteria: [new StopWhenAsked()],
      })
      .then(
        () => {
          settled = true;
          queue.close();
        },
        (error: unknown) => {
          settled = true;
          queue.fail(error);
        },
      );
    try {
      for await (const event of queue.drain()) yield event;
    } finally {
      // The consumer may stop iterating early: stop the model at its next step, then wait for it.
      if (!settled) stopReason ??= 'abort';
      await generation;
      if (this.meter === meter) this.meter = undefined;
    }
    if (stopReason === 'abort' || signal.aborted) throw abortError();

    const tail = decoder.flush();
    if (tail) yield { type: 'delta', text: tail };
    const last = generated.at(-1);
    const finishReason = stopReason === 'repetition' ? 'repetition' : last !== undefined && eos.has(last) ? 'stop' : 'length';
    const decodeTokens = generated.length;
    const decodeSpan = firstTokenAt !== undefined ? (lastTokenAt - firstTokenAt) / 1000 : 0;
    const stats: EngineStats = {
      preprocessMs: round(preprocessMs),
      visionEncodeMs: round(meter.visionEncodeMs),
      ...(meter.prefillMs !== undefined ? { prefillMs: round(meter.prefillMs) } : {}),
      ...(firstTokenAt !== undefined ? { ttftMs: round(firstTokenAt - jobStart + preprocessMs) } : {}),
      decodeTokens,
      tokensPerSecond: decodeTokens > 1 && decodeSpan > 0 ? round((decodeTokens - 1) / decodeSpan) : 0,
      visualTokens: visualTokens.reduce((a, b) => a + b, 0),
      device: this.report?.device ?? 'cpu',
      dtype: this.report?.dtype ?? 'unknown',
    };
    let boxes: GroundBox[] | undefined;
    if (job.task === 'ground' && images[0]) {
      // An empty answer (EOS first) has nothing to decode: the tokenizer rejects an empty list.
      const answer = generated.filter((id) => !eos.has(id));
      const raw = answer.length > 0 ? processor.tokenizer.decode(answer, { skip_special_tokens: false }) : '';
      boxes = groundBoxes(raw, family, images[0].frame);
    }
    yield { type: 'result', text: decoder.text, finishReason, stats, ...(boxes ? { boxes } : {}) };
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

const round = (v: number) => Math.round(v * 10) / 10;

/** A special token's id (transformers.js 4 tokenizers have convert_tokens_to_ids; older ones a vocab map). */
function tokenId(processor: QwenProcessor, token: string): number | undefined {
  const tokenizer = processor.tokenizer;
  const id = tokenizer.convert_tokens_to_ids ? tokenizer.convert_tokens_to_ids([token])[0] : tokenizer.model?.tokens_to_ids?.get(token);
  return typeof id === 'number' && Number.isInteger(id) ? id : undefined;
}
