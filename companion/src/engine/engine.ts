import type { DeviceRequest } from './device/request';
import type { ImageDetail } from './vlm/pixel-budget';
import type { EngineKind, ResponseFormat, Sampling, FinishReason, GroundBox, JobStats, Locale, ModelInfo, OcrBlock, OcrLine, Region, Task, VideoClip } from '@loupe/shared';

/**
 * The one small interface every engine implements. Engines live in the engine host
 * process (see engine/host), never in the daemon: a native crash must not take the
 * daemon down.
 */
export interface Engine {
  readonly name: string;
  /** Loads the model and runs a warm-up; resolves with what users are told answered. */
  load(): Promise<ModelInfo>;
  unload(): Promise<void>;
  capabilities(): EngineCapabilities;
  /**
   * Runs one job, yielding text deltas as they are produced and exactly one `result`
   * last. Cancel = abort the signal: the engine stops within one step and throws
   * an AbortError (or returns early).
   */
  run(job: EngineJob, signal: AbortSignal): AsyncIterable<EngineEvent>;
}

export interface EngineCapabilities {
  kind: EngineKind;
  tasks: readonly Task[];
  /** Largest image (pixels) the engine looks at without downscaling it first. */
  maxPixels: number;
  /** Accepts more than one image in one job (compare). */
  multiImage: boolean;
  /** Takes `job.system` as its own system message; otherwise the queue puts it before the prompt. */
  systemPrompt?: boolean;
  /** Takes a video job (`EngineJob.video`: the images are its frames) as video input. */
  video?: boolean;
}

export interface ConversationTurn {
  role: 'user' | 'assistant';
  text: string;
  /** Images this user turn brought (a follow-up with new images); they sit in `EngineJob.images` in turn order. */
  images?: number;
}

export interface EngineJob {
  id: string;
  task: Task;
  /** Image file bytes that intake has already sniffed (PNG/JPEG/WebP) and size-checked. */
  images: Uint8Array[];
  /** Crop in the original image's pixels, applied before any resizing. */
  region?: Region;
  prompt?: string;
  locale: Locale;
  /** How many of the last `images` this job's own turn brings (a follow-up with new images); absent = all are the first turn's. */
  newImages?: number;
  /** Earlier turns of the same conversation (follow-up questions on the same image). */
  history: ConversationTurn[];
  maxTokens?: number;
  sampling?: Sampling;
  /** A chat API client's system message (only for engines whose capabilities say systemPrompt). */
  system?: string;
  /** The model an API client named: a remote backend answers with it when it is in ModelInfo.served. */
  model?: string;
  /** Structured output: the VLM constrains decoding to JSON (a schema's shape when given). */
  format?: ResponseFormat;
  /** The images are the frames of one video, in time order, one entry of `video.frameTimes` each. */
  video?: VideoClip;
}

export type EngineStats = Omit<JobStats, 'totalMs' | 'queueMs'>;

export type EngineEvent =
  | { type: 'delta'; text: string }
  | {
      type: 'result';
      text: string;
      finishReason: FinishReason;
      stats: EngineStats;
      lines?: OcrLine[];
      boxes?: GroundBox[];
      no_text?: boolean;
      blocks?: OcrBlock[];
    };

/** Options every engine factory receives from `loupe start` / the CLI. */
export interface EngineOptions {
  /** LOUPE_HOME: where models and caches live. */
  home: string;
  device: DeviceRequest;
  /** Set by the supervisor after the GPU failed mid-job (device lost, out of memory): auto then stays on the CPU. */
  gpuFailure?: string;
  /** Model id from the registry, or a model directory. */
  model?: string;
  dtype?: string;
  /** Remote OpenAI-compatible backend for the VLM engine. */
  /** The API key: from the environment or a 0600 file (engine/remote/api-key.ts); `apiKey` only from old `--api-key` use. */
  backend?: { kind: 'openai'; baseUrl: string; apiKey?: string; apiKeyFile?: string; model?: string };
  threads?: number;
  /** `full`: the GPU pixel budgets on the CPU too (engine/vlm/pixel-budget.ts). */
  imageDetail?: ImageDetail;
}
