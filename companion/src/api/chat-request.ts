import type { ServerStatus } from '@loupe/shared';
import { chatJob, decodeBase64Image, toConversation, type ChatJob, type ChatTurnInput } from './conversation';
import { HttpError } from './http-io';
import { resolveApiModel } from './models';
import { openAiSampling } from './openai-params';
import { parseResponseFormat } from './response-format';
import { parseVideoPart, type VideoPart } from './video-part';

/** What Loupe takes from an OpenAI chat-completions request: the job, and how to answer. */
export interface ChatRequest extends ChatJob {
  /** The stable id of the model that answers (echoed as `model`). */
  model: string;
  stream: boolean;
  includeUsage: boolean;
}

const HINT = 'Send OpenAI chat messages whose content is text and `{"type":"image_url","image_url":{"url":"data:image/png;base64,…"}}` parts.';
const bad = (message: string, hint = HINT, param = 'messages'): HttpError => new HttpError(400, 'bad_request', message, hint, param);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function decodeDataUri(url: string): Uint8Array {
  const match = /^data:([a-z0-9.+/-]+)?(;[a-z0-9=.+-]+)*;base64,/i.exec(url.slice(0, 200));
  if (!match) {
    if (/^https?:/i.test(url)) throw bad('image URLs are not fetched by Loupe', 'Inline the image as a `data:image/...;base64,` URI.');
    throw bad('image_url must be a base64 data: URI', 'Inline the image as a `data:image/...;base64,` URI.');
  }
  return decodeBase64Image(url.slice(match[0].length), 'messages');
}

function partsOf(content: unknown, images: Uint8Array[], videos: VideoPart[]): string {
  if (typeof content === 'string') return content;
  if (content === null || content === undefined) return '';
  if (!Array.isArray(content)) throw bad('message content must be a string or an array of parts');
  const texts: string[] = [];
  for (const part of content) {
    if (!isObject(part)) throw bad('message content parts must be objects');
    if (part.type === 'text') {
      if (typeof part.text !== 'string') throw bad('a text part needs a string `text`');
      texts.push(part.text);
    } else if (part.type === 'image_url') {
      const ref = part.image_url;
      const url = typeof ref === 'string' ? ref : isObject(ref) && typeof ref.url === 'string' ? ref.url : undefined;
      if (!url) throw bad('an image_url part needs `image_url.url`');
      images.push(decodeDataUri(url));
    } else if (part.type === 'video_url' || part.type === 'video') {
      videos.push(parseVideoPart(part));
    } else {
      // The type is not echoed: error bodies never repeat request content.
      throw bad('unsupported content part type (use "text", "image_url" or "video_url")');
    }
  }
  return texts.join('\n');
}

function turnOf(message: unknown): ChatTurnInput {
  if (!isObject(message) || typeof message.role !== 'string') throw bad('each message needs a `role`');
  const role = message.role === 'developer' ? 'system' : message.role;
  if (role !== 'system' && role !== 'user' && role !== 'assistant') throw bad('unsupported message role (use system, developer, user or assistant; tool messages need tool calling, which Loupe does not do)');
  const images: Uint8Array[] = [];
  const videos: VideoPart[] = [];
  const text = partsOf(message.content, images, videos);
  if (role === 'system' && (images.length || videos.length)) throw bad('only user messages may carry images or video');
  if (videos.length > 1) throw bad('a request takes one video', 'Send one video part.');
  return { role, text, images, ...(videos[0] ? { video: videos[0] } : {}) };
}

/**
 * Maps an OpenAI request onto a Loupe job: the conversation travels as turns, the model
 * named must exist (`loupe-ocr` runs the fast OCR engine), sampling parameters are honoured
 * and the ones Loupe does not do are refused by name.
 */
export function parseChatRequest(body: unknown, status: ServerStatus): ChatRequest {
  if (!isObject(body)) throw bad('request body must be a JSON object', HINT, 'body');
  if (body.model !== undefined && typeof body.model !== 'string') throw bad('`model` must be a string', 'Name a model from GET /v1/models.', 'model');
  const model = resolveApiModel(body.model, status);
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw bad('`messages` must be a non-empty array');
  const chat = toConversation(body.messages.map(turnOf));
  const { sampling, maxTokens } = openAiSampling(body);
  const format = parseResponseFormat(body.response_format);
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return {
    model: model.id,
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
    ...chatJob(chat, model.kind, { maxTokens, sampling, format, images: { hint: 'Send one image_url part with a data: URI.', param: 'messages' } }),
  };
}
