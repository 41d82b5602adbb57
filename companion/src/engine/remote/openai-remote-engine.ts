import OpenAI from 'openai';
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { FinishReason, GroundBox, ModelInfo } from '@loupe/shared';
import { ProtocolError } from '@loupe/shared';
import { decodeToRgb, sharp } from '../../intake';
import type { Logger } from '../../log/logger';
import type { Engine, EngineCapabilities, EngineEvent, EngineJob, EngineOptions, EngineStats } from '../engine';
import { buildChat } from '../vlm/chat';
import { abortError } from '../vlm/event-queue';
import { familyFor, type VlmFamily } from '../vlm/families';
import { groundBoxes, type GroundingFrame } from '../vlm/grounding';
import { maxTokensFor, pixelBudgetFor, taskPrompt } from '../vlm/prompts';
import { RepetitionGuard } from '../vlm/repetition-guard';
import { redactUrl, splitUserinfo } from './secrets';

export const OPENAI_REMOTE_ENGINE = 'openai-remote';

/**
 * The same tasks and prompts as the local Qwen-VL engine, sent to any OpenAI-compatible
 * /v1/chat/completions (vLLM, SGLang, Ollama, LM Studio, another Loupe) with the images as
 * data URIs; streaming over SSE through the official client; cancel aborts the request.
 */
export class OpenAiRemoteEngine implements Engine {
  readonly name = OPENAI_REMOTE_ENGINE;
  private client: OpenAI | undefined;
  private model: string | undefined;
  private family: VlmFamily = familyFor('qwen2_5_vl');
  private info: ModelInfo | undefined;
  /** For logs, status and errors: never the user info. */
  private readonly baseUrl: string;
  private readonly requestUrl: string;
  private readonly authorization: string | undefined;

  constructor(
    private readonly options: EngineOptions,
    private readonly log?: Logger,
  ) {
    if (!options.backend) throw new Error('the openai-remote engine needs --backend openai --base-url <url>');
    const split = splitUserinfo(options.backend.baseUrl.replace(/\/+$/, ''));
    this.requestUrl = split.url;
    this.authorization = split.authorization;
    this.baseUrl = redactUrl(split.url);
  }

  capabilities(): EngineCapabilities {
    return { kind: 'vlm', tasks: ['describe', 'ocr', 'code', 'ask', 'ground'], maxPixels: Math.max(...Object.values(pixelBudgetFor)), multiImage: true };
  }

  async load(): Promise<ModelInfo> {
    if (this.info) return this.info;
    const backend = this.options.backend!;
    this.client = new OpenAI({
      baseURL: this.requestUrl,
      apiKey: backend.apiKey ?? 'none',
      maxRetries: 0,
      timeout: 10 * 60_000,
      // user:password in --base-url becomes Basic auth (fetch refuses URLs with credentials).
      ...(this.authorization && !backend.apiKey ? { defaultHeaders: { Authorization: this.authorization } } : {}),
    });
    let model = backend.model ?? this.options.model;
    try {
      const listed = await this.client.models.list();
      const ids = listed.data.map((m) => m.id);
      model ??= pickVisionModel(listed.data);
      if (model && ids.length > 0 && !ids.includes(model)) {
        this.log?.warn({ model, served: ids.length }, 'remote server does not list the configured model');
      }
    } catch (error) {
      throw new ProtocolError('engine_unavailable', `cannot reach the remote model server at ${this.baseUrl}: ${reason(error)}`, 'Check --base-url (it ends in /v1), --api-key, and that the server is running.');
    }
    if (!model) throw new ProtocolError('engine_unavailable', `the remote server at ${this.baseUrl} lists no model`, 'Pass the served model name with --model.');
    this.model = model;
    this.family = remoteFamily(model);
    const standIn = /stand-in/i.test(model);
    this.log?.info({ baseUrl: this.baseUrl, model, family: this.family.modelType }, 'remote VLM ready');
    this.info = {
      id: model,
      engine: OPENAI_REMOTE_ENGINE,
      device: `remote ${new URL(this.baseUrl).host}`,
      standIn,
      note: `answers come from ${this.baseUrl}${standIn ? ' (a test stand-in — output is noise)' : ''}`,
    };
    return this.info;
  }

  async unload(): Promise<void> {
    this.client = undefined;
    this.info = undefined;
  }

  run(job: EngineJob, signal: AbortSignal): AsyncIterable<EngineEvent> {
    return this.runJob(job, signal);
  }

  private async *runJob(job: EngineJob, signal: AbortSignal): AsyncGenerator<EngineEvent> {
    const client = this.client;
    const model = this.model;
    if (!client || !model) throw new Error('the remote engine is not loaded');
    if (signal.aborted) throw abortError();
    if (job.images.length === 0 && job.task !== 'ask') {
      throw new ProtocolError('bad_request', `task "${job.task}" needs an image`, 'Send an image with the job.', job.id);
    }
    const t0 = performance.now();
    const images = await this.prepareImages(job);
    const preprocessMs = performance.now() - t0;

    const prompt = taskPrompt(job.task, { family: this.family, locale: job.locale, ...(job.prompt ? { prompt: job.prompt } : {}), imageCount: images.length });
    const firstTurnText = taskPrompt(job.task === 'ask' ? 'describe' : job.task, { family: this.family, locale: job.locale, imageCount: images.length });
    const chat = buildChat({ imageCount: images.length, history: job.history, text: prompt, firstTurnText });
    let imageIndex = 0;
    const messages: ChatCompletionMessageParam[] = chat.map((m) => {
      if (m.role === 'assistant') return { role: 'assistant', content: m.content.map((c) => (c.type === 'text' ? c.text : '')).join('') };
      const parts: ChatCompletionContentPart[] = m.content.map((c) =>
        c.type === 'image' ? { type: 'image_url', image_url: { url: images[imageIndex++]!.dataUri } } : { type: 'text', text: c.text },
      );
      return { role: m.role === 'system' ? 'user' : m.role, content: parts } as ChatCompletionMessageParam;
    });

    // Our own controller: cancel and the repetition guard both end the HTTP request.
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    // Character-level (no token ids from a remote server): units up to 400 characters.
    const guard = new RepetitionGuard(job.task === 'code' ? { maxPeriod: 400, minSpan: 2400, minRepeats: 12 } : { maxPeriod: 400, minSpan: 800, minRepeats: 6 });
    let text = '';
    let finish: FinishReason = 'length';
    let firstAt: number | undefined;
    let lastAt = 0;
    let chunks = 0;
    let completionTokens: number | undefined;
    let promptTokens: number | undefined;
    const requestStart = performance.now();
    try {
      const stream = await client.chat.completions.create(
        { model, messages, stream: true, max_tokens: job.maxTokens ?? maxTokensFor[job.task], temperature: 0, stream_options: { include_usage: true } },
        { signal: controller.signal },
      );
      let repeated = false;
      for await (const chunk of stream) {
        if (chunk.usage) {
          completionTokens = chunk.usage.completion_tokens;
          promptTokens = chunk.usage.prompt_tokens;
        }
        const choice = chunk.choices[0];
        const delta = choice?.delta?.content;
        if (delta) {
          const now = performance.now();
          firstAt ??= now;
          lastAt = now;
          chunks++;
          text += delta;
          yield { type: 'delta', text: delta };
          for (let i = 0; i < delta.length && !repeated; i++) repeated = guard.push(delta.charCodeAt(i));
          if (repeated) {
            finish = 'repetition';
            controller.abort();
            break;
          }
        }
        if (choice?.finish_reason) finish = choice.finish_reason === 'length' ? 'length' : 'stop';
      }
    } catch (error) {
      if (signal.aborted) throw abortError();
      if (finish !== 'repetition') throw remoteError(error, this.baseUrl);
    } finally {
      signal.removeEventListener('abort', onAbort);
      // Ends the HTTP request when the consumer stopped early (harmless once it completed).
      controller.abort();
    }
    if (signal.aborted) throw abortError();

    const decodeTokens = completionTokens ?? chunks;
    const span = firstAt !== undefined ? (lastAt - firstAt) / 1000 : 0;
    const stats: EngineStats = {
      preprocessMs: round(preprocessMs),
      ...(firstAt !== undefined ? { ttftMs: round(firstAt - requestStart + preprocessMs) } : {}),
      decodeTokens,
      tokensPerSecond: decodeTokens > 1 && span > 0 ? round((decodeTokens - 1) / span) : 0,
      device: this.info?.device ?? 'remote',
    };
    if (promptTokens !== undefined) this.log?.debug({ jobId: job.id, promptTokens, completionTokens }, 'remote usage');
    let boxes: GroundBox[] | undefined;
    if (job.task === 'ground' && images[0]) boxes = groundBoxes(text, this.family, images[0].frame);
    yield { type: 'result', text, finishReason: finish, stats, ...(boxes ? { boxes } : {}) };
  }

  /** Crop and resize exactly as the local engine would (patch×merge multiples), then a data URI. */
  private async prepareImages(job: EngineJob): Promise<{ dataUri: string; frame: GroundingFrame }[]> {
    const factor = this.family.patchSize * this.family.mergeSize;
    const budget = Math.min(pixelBudgetFor[job.task], job.images.length > 1 ? Math.max(250_000, 1_500_000 / job.images.length) : Infinity);
    const out: { dataUri: string; frame: GroundingFrame }[] = [];
    for (const [index, bytes] of job.images.entries()) {
      const decoded = await decodeToRgb(bytes, { ...(index === 0 && job.region ? { region: job.region } : {}), maxPixels: budget, multipleOf: factor, minPixels: factor * factor * 4 });
      // PNG keeps text crisp for OCR and UI code; JPEG keeps photos small on the wire.
      const lossless = job.task === 'ocr' || job.task === 'code';
      const encoder = sharp(decoded.data, { raw: { width: decoded.width, height: decoded.height, channels: 3 } });
      const file = lossless ? await encoder.png({ compressionLevel: 6 }).toBuffer() : await encoder.jpeg({ quality: 92 }).toBuffer();
      out.push({
        dataUri: `data:image/${lossless ? 'png' : 'jpeg'};base64,${file.toString('base64')}`,
        frame: { crop: decoded.crop, resized: { width: decoded.width, height: decoded.height }, original: decoded.original },
      });
    }
    return out;
  }
}

/** The first served model that is not an OCR engine (another Loupe lists its engines' kinds). */
function pickVisionModel(models: Array<{ id: string }>): string | undefined {
  const kind = (m: { id: string }) => (m as { loupe?: { kind?: string } }).loupe?.kind;
  return (models.find((m) => kind(m) === 'vlm') ?? models.find((m) => kind(m) === undefined && !/ocr/i.test(m.id)) ?? models[0])?.id;
}

/** Grounding convention of a served model, guessed from its name (Qwen2.5-VL's when unknown). */
export function remoteFamily(model: string): VlmFamily {
  const name = model.toLowerCase();
  if (/qwen3[-_.]?vl/.test(name)) return familyFor('qwen3_vl');
  if (/qwen2[-_.]?vl/.test(name) && !/qwen2[-_.]5/.test(name)) return familyFor('qwen2_vl');
  return familyFor('qwen2_5_vl');
}

function reason(error: unknown): string {
  if (error instanceof OpenAI.APIError && error.status) return `HTTP ${error.status} ${error.message}`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function remoteError(error: unknown, baseUrl: string): ProtocolError {
  if (error instanceof OpenAI.APIConnectionError) {
    return new ProtocolError('engine_unavailable', `the remote model server at ${baseUrl} is unreachable: ${reason(error)}`, 'Check that the server is running and --base-url is right.');
  }
  if (error instanceof OpenAI.APIError) {
    const code = error.status === 401 || error.status === 403 ? 'engine_unavailable' : error.status === 400 || error.status === 413 ? 'bad_request' : 'engine_unavailable';
    return new ProtocolError(code, `the remote model server answered ${reason(error)}`, error.status === 401 ? 'Check --api-key.' : 'See the remote server\'s logs.');
  }
  return new ProtocolError('internal', `remote request failed: ${reason(error)}`);
}

const round = (v: number) => Math.round(v * 10) / 10;
