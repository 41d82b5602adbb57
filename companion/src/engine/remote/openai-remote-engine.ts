import OpenAI from 'openai';
import type { ChatCompletionContentPart, ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { DEFAULT_FAMILY_ID, familyOfServedModel, getFamily, type Family } from '@loupe/models';
import type { FinishReason, GroundBox, ModelInfo } from '@loupe/shared';
import { join } from 'node:path';
import { ProtocolError } from '@loupe/shared';
import type { Logger } from '../../log/logger';
import type { Engine, EngineCapabilities, EngineEvent, EngineJob, EngineOptions, EngineStats } from '../engine';
import { buildChat } from '../vlm/chat';
import { abortError } from '../vlm/event-queue';
import { groundBoxes } from '../vlm/grounding';
import { pixelBudgetFor } from '../vlm/pixel-budget';
import { maxTokensFor, taskPrompt } from '../vlm/prompts';
import { RepetitionGuard } from '../vlm/repetition-guard';
import { DEFAULT_KEY_FILE, resolveBackendApiKey } from './api-key';
import { loadError, runError } from './remote-errors';
import { remoteImages } from './remote-images';
import { redactUrl, splitUserinfo } from './secrets';
import { chooseVisionModel, looksLikeVision, type ServedModel } from './vision-model';

export const OPENAI_REMOTE_ENGINE = 'openai-remote';

/**
 * The same tasks and prompts as the local Qwen-VL engine, sent to any OpenAI-compatible
 * /v1/chat/completions (vLLM, SGLang, Ollama, LM Studio, another Loupe) with the images as
 * data URIs; streaming over SSE through the official client; cancel aborts the request.
 * The client's sampling parameters and system message are forwarded; a load that fails
 * (remote down, key refused) is retryable, so the engine host loads again until it works.
 */
export class OpenAiRemoteEngine implements Engine {
  readonly name = OPENAI_REMOTE_ENGINE;
  private client: OpenAI | undefined;
  private model: string | undefined;
  private family: Family = getFamily(DEFAULT_FAMILY_ID);
  private info: ModelInfo | undefined;
  private remoteStandIn = false;
  /** For logs, status and errors: never the user info. */
  private readonly baseUrl: string;
  private readonly requestUrl: string;
  private readonly authorization: string | undefined;
  private keySource = 'none';

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
    return { kind: 'vlm', tasks: ['describe', 'ocr', 'code', 'ask', 'ground'], maxPixels: Math.max(...Object.values(pixelBudgetFor)), multiImage: true, systemPrompt: true };
  }

  private get keyFile(): string {
    return this.options.backend?.apiKeyFile ?? join(this.options.home, DEFAULT_KEY_FILE);
  }

  async load(): Promise<ModelInfo> {
    if (this.info) return this.info;
    const backend = this.options.backend!;
    // Read at every load: a key put in place (or fixed) while Loupe retries is picked up.
    const key = resolveBackendApiKey({ home: this.options.home, argvKey: backend.apiKey, keyFile: backend.apiKeyFile });
    this.keySource = key.source;
    this.client = new OpenAI({
      baseURL: this.requestUrl,
      apiKey: key.key ?? 'none',
      maxRetries: 0,
      timeout: 10 * 60_000,
      // user:password in --base-url becomes Basic auth (fetch refuses URLs with credentials).
      ...(this.authorization && !key.key ? { defaultHeaders: { Authorization: this.authorization } } : {}),
    });
    let model: string;
    let others: string[] = [];
    try {
      const listed = await this.client.models.list({ timeout: 10_000 });
      model = chooseVisionModel(listed.data as ServedModel[], backend.model ?? this.options.model, this.baseUrl);
      const served = (listed.data as Array<ServedModel & { loupe?: { standIn?: boolean } }>).find((m) => m.id === model);
      this.remoteStandIn = served?.loupe?.standIn === true;
      others = (listed.data as ServedModel[]).filter((m) => m.id !== model && looksLikeVision(m)).map((m) => m.id).slice(0, 32);
    } catch (error) {
      throw loadError(error, this.baseUrl, { keySource: key.source, keyFile: this.keyFile });
    }
    this.model = model;
    this.family = familyOfServedModel(model);
    const standIn = this.remoteStandIn || /stand-?in/i.test(model);
    this.log?.info({ baseUrl: this.baseUrl, model, family: this.family.id, key: this.keySource }, 'remote VLM ready');
    this.info = {
      id: model,
      engine: OPENAI_REMOTE_ENGINE,
      device: `remote ${new URL(this.baseUrl).host}`,
      standIn,
      note: `answers come from ${this.baseUrl}${standIn ? ' (a test stand-in — output is noise)' : ''}`,
      ...(others.length ? { served: others } : {}),
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
    // The model the client named when the remote serves it too, else the one chosen at load.
    const model = job.model && this.info?.served?.includes(job.model) ? job.model : this.model;
    if (!client || !model) throw new Error('the remote engine is not loaded');
    const family = model === this.model ? this.family : familyOfServedModel(model);
    if (signal.aborted) throw abortError();
    if (job.video) {
      // Remote servers differ in how (and whether) they take video; frames sent as images would read as unrelated pictures.
      throw new ProtocolError('bad_request', 'the remote engine does not take video jobs', 'Use a local Qwen-VL model for video (`loupe start --model <dir>`).', job.id);
    }
    if (job.images.length === 0 && job.task !== 'ask') {
      throw new ProtocolError('bad_request', `task "${job.task}" needs an image`, 'Send an image with the job.', job.id);
    }
    const t0 = performance.now();
    const images = await remoteImages(job, family);
    const preprocessMs = performance.now() - t0;

    const prompt = taskPrompt(job.task, { family, locale: job.locale, ...(job.prompt ? { prompt: job.prompt } : {}), imageCount: images.length });
    const firstTurnText = taskPrompt(job.task === 'ask' ? 'describe' : job.task, { family, locale: job.locale, imageCount: images.length });
    const chat = buildChat({ imageCount: images.length, history: job.history, text: prompt, firstTurnText, ...(job.newImages ? { newImages: job.newImages } : {}) });
    let imageIndex = 0;
    const messages: ChatCompletionMessageParam[] = chat.map((m) => {
      if (m.role === 'assistant') return { role: 'assistant', content: m.content.map((c) => (c.type === 'text' ? c.text : '')).join('') };
      const parts: ChatCompletionContentPart[] = m.content.map((c) =>
        c.type === 'text' ? { type: 'text', text: c.text } : { type: 'image_url', image_url: { url: images[imageIndex++]!.dataUri } },
      );
      return { role: m.role, content: parts } as ChatCompletionMessageParam;
    });
    if (job.system) messages.unshift({ role: 'system', content: job.system });

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
        { model, messages, stream: true, max_tokens: job.maxTokens ?? maxTokensFor[job.task], stream_options: { include_usage: true }, ...remoteSampling(job) },
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
      if (finish !== 'repetition') throw runError(error, this.baseUrl, model, { keySource: this.keySource, keyFile: this.keyFile, sentImages: images.length > 0 });
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
      ...(promptTokens !== undefined ? { promptTokens } : {}),
      tokensPerSecond: decodeTokens > 1 && span > 0 ? round((decodeTokens - 1) / span) : 0,
      device: this.info?.device ?? 'remote',
    };
    let boxes: GroundBox[] | undefined;
    if (job.task === 'ground' && images[0]) boxes = groundBoxes(text, family, images[0].frame);
    yield { type: 'result', text, finishReason: finish, stats, ...(boxes ? { boxes } : {}) };
  }

}

/**
 * The job's sampling in OpenAI's fields (temperature 0 — greedy, the local engine's default —
 * unless the client asked otherwise); top_k is not OpenAI's but vLLM, SGLang and LM Studio take it.
 */
function remoteSampling(job: EngineJob): Record<string, unknown> {
  const s = job.sampling ?? {};
  return {
    temperature: s.temperature ?? 0,
    ...(s.topP !== undefined ? { top_p: s.topP } : {}),
    ...(s.topK !== undefined ? { top_k: s.topK } : {}),
    ...(s.seed !== undefined ? { seed: s.seed } : {}),
    ...(s.stop?.length ? { stop: s.stop } : {}),
  };
}

const round = (v: number) => Math.round(v * 10) / 10;
