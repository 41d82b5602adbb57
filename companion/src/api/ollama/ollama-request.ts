import type { Sampling, ServerStatus } from '@loupe/shared';
import { chatJob, decodeBase64Image, toConversation, type ChatJob, type ChatTurnInput } from '../conversation';
import { HttpError } from '../http-io';
import { resolveApiModel } from '../models';
import { badParam, parseSampling } from '../openai-params';

/** What Loupe takes from an Ollama /api/chat or /api/generate request: the job, and how to answer. */
export interface OllamaRequest extends ChatJob {
  model: string;
  stream: boolean;
  /** /api/generate with no prompt: "load the model" (answered at once). */
  loadOnly: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string, hint: string, param: string): HttpError => new HttpError(400, 'bad_request', message, hint, param);

/** Ollama tags a model name (`name:latest`); Loupe's ids have none. */
export const untagged = (name: string): string => name.replace(/:latest$/, '');

function imagesOf(value: unknown, param: string): Uint8Array[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((i) => typeof i === 'string')) throw bad(`\`${param}\` must be a list of base64 strings`, 'Send each image file as base64, without a data: prefix.', param);
  // Some clients send data: URIs here too.
  return value.map((b64) => decodeBase64Image(b64.replace(/^data:[^,]{0,100};base64,/, ''), param));
}

function rejectUnsupported(body: Record<string, unknown>): void {
  if (body.format !== undefined && body.format !== null && body.format !== '') throw badParam('format', '`format` (JSON output) is not supported yet', 'Omit `format` and ask for JSON in the prompt.');
  if (Array.isArray(body.tools) && body.tools.length > 0) throw badParam('tools', 'tool calling is not supported', 'Omit `tools`; Loupe answers in text.');
  if (body.raw === true) throw badParam('raw', '`raw` prompts are not supported (Loupe applies the model\'s own chat template)', 'Omit `raw`.');
  if (Array.isArray(body.context) && body.context.length > 0) throw badParam('context', '`context` token lists are not supported', 'Use /api/chat with the earlier messages instead.');
}

function optionsOf(body: Record<string, unknown>): { sampling?: Sampling; maxTokens?: number } {
  if (body.options !== undefined && body.options !== null && !isObject(body.options)) throw bad('`options` must be an object', 'Send e.g. "options": {"temperature": 0}.', 'options');
  const o = (body.options ?? {}) as Record<string, unknown>;
  // num_predict -1 (no limit) and -2 (fill the context) leave the task's own limit.
  const numPredict = typeof o.num_predict === 'number' && o.num_predict < 0 ? undefined : o.num_predict;
  return parseSampling(
    { temperature: o.temperature, topP: o.top_p, topK: o.top_k, seed: o.seed, stop: o.stop, maxTokens: numPredict },
    { temperature: 'options.temperature', topP: 'options.top_p', topK: 'options.top_k', seed: 'options.seed', stop: 'options.stop', maxTokens: 'options.num_predict' },
  );
}

function finish(body: Record<string, unknown>, messages: ChatTurnInput[], status: ServerStatus, loadOnly: boolean): OllamaRequest {
  if (typeof body.model !== 'string' || !body.model) throw bad('`model` is required', 'Name a model from GET /api/tags.', 'model');
  const model = resolveApiModel(untagged(body.model), status);
  rejectUnsupported(body);
  const { sampling, maxTokens } = optionsOf(body);
  const stream = body.stream !== false;
  if (loadOnly) return { model: model.id, stream, task: 'ask', images: [], history: [], loadOnly };
  const chat = toConversation(messages);
  return { model: model.id, stream, loadOnly, ...chatJob(chat, model.kind, { maxTokens, sampling, images: { hint: 'Send one image in `images`.', param: 'images' } }) };
}

/** POST /api/chat: `messages` of {role, content, images?}. */
export function parseOllamaChat(body: unknown, status: ServerStatus): OllamaRequest {
  if (!isObject(body)) throw bad('request body must be a JSON object', 'Send {"model": …, "messages": […]}.', 'body');
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    // Ollama loads the model when `messages` is empty.
    if (Array.isArray(body.messages)) return finish(body, [], status, true);
    throw bad('`messages` must be an array', 'Send {"model": …, "messages": [{"role": "user", "content": "…"}]}.', 'messages');
  }
  const turns = body.messages.map((m, i): ChatTurnInput => {
    if (!isObject(m) || typeof m.role !== 'string') throw bad('each message needs a `role`', 'Use role system, user or assistant.', 'messages');
    if (m.role !== 'system' && m.role !== 'user' && m.role !== 'assistant') throw bad('unsupported message role (use system, user or assistant)', 'Tool messages need tool calling, which Loupe does not do.', 'messages');
    if (m.content !== undefined && typeof m.content !== 'string') throw bad('message `content` must be a string', 'Send text in `content` and images in `images`.', 'messages');
    return { role: m.role, text: (m.content as string | undefined) ?? '', images: imagesOf(m.images, `messages[${i}].images`) };
  });
  return finish(body, turns, status, false);
}

/** POST /api/generate: one `prompt` with optional `system` and `images`. */
export function parseOllamaGenerate(body: unknown, status: ServerStatus): OllamaRequest {
  if (!isObject(body)) throw bad('request body must be a JSON object', 'Send {"model": …, "prompt": "…"}.', 'body');
  if (body.prompt !== undefined && typeof body.prompt !== 'string') throw bad('`prompt` must be a string', 'Send the question as a string.', 'prompt');
  if (body.system !== undefined && typeof body.system !== 'string') throw bad('`system` must be a string', 'Send the system text as a string.', 'system');
  if (body.suffix) throw badParam('suffix', '`suffix` (fill-in-the-middle) is not supported', 'Omit `suffix`.');
  const images = imagesOf(body.images, 'images');
  const prompt = (body.prompt as string | undefined) ?? '';
  if (!prompt && images.length === 0) return finish(body, [], status, true);
  const turns: ChatTurnInput[] = [...(body.system ? [{ role: 'system' as const, text: body.system as string, images: [] }] : []), { role: 'user', text: prompt, images }];
  return finish(body, turns, status, false);
}
