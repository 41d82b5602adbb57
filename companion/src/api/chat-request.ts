import { MAX_IMAGE_BYTES, MAX_IMAGES_PER_JOB, MAX_PROMPT_CHARS, type ResponseFormat, type Task } from '@loupe/shared';
import { HttpError } from './http-io';
import { parseResponseFormat } from './response-format';

/** What Loupe takes from an OpenAI chat-completions request. */
export interface ChatRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  task: Task;
  engine?: 'ocr' | 'vlm';
  prompt?: string;
  images: Uint8Array[];
  maxTokens?: number;
  format?: ResponseFormat;
}

const HINT = 'Send OpenAI chat messages whose content is text and `{"type":"image_url","image_url":{"url":"data:image/png;base64,…"}}` parts.';
const bad = (message: string, hint = HINT): HttpError => new HttpError(400, 'bad_request', message, hint);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function decodeDataUri(url: string): Uint8Array {
  const match = /^data:([a-z0-9.+/-]+)?(;[a-z0-9=.+-]+)*;base64,/i.exec(url.slice(0, 200));
  if (!match) {
    if (/^https?:/i.test(url)) throw bad('image URLs are not fetched by Loupe', 'Inline the image as a `data:image/...;base64,` URI.');
    throw bad('image_url must be a base64 data: URI', 'Inline the image as a `data:image/...;base64,` URI.');
  }
  const b64 = url.slice(match[0].length);
  if (b64.length > Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4) {
    throw new HttpError(413, 'image_too_large', `image is over the ${MAX_IMAGE_BYTES}-byte limit`, 'Send a smaller image.');
  }
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) throw bad('image_url data: URI is empty');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function textOf(content: unknown, images: Uint8Array[] | undefined): string {
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
      if (!images) throw bad('only user messages may carry images');
      const ref = part.image_url;
      const url = typeof ref === 'string' ? ref : isObject(ref) && typeof ref.url === 'string' ? ref.url : undefined;
      if (!url) throw bad('an image_url part needs `image_url.url`');
      images.push(decodeDataUri(url));
      if (images.length > MAX_IMAGES_PER_JOB) throw bad(`at most ${MAX_IMAGES_PER_JOB} images per request`);
    } else {
      // The type is not echoed: error bodies never repeat request content.
      throw bad('unsupported content part type (use "text" or "image_url")');
    }
  }
  return texts.join('\n');
}

/**
 * Maps an OpenAI request onto a Loupe job. The conversation is flattened into one prompt
 * (HTTP is stateless); models whose id names the OCR engine run the fast OCR engine.
 */
export function parseChatRequest(body: unknown, ocrModelIds: ReadonlySet<string>): ChatRequest {
  if (!isObject(body)) throw bad('request body must be a JSON object');
  const model = typeof body.model === 'string' && body.model ? body.model : 'loupe';
  if (!Array.isArray(body.messages) || body.messages.length === 0) throw bad('`messages` must be a non-empty array');
  const images: Uint8Array[] = [];
  const turns: Array<{ role: string; text: string }> = [];
  for (const message of body.messages) {
    if (!isObject(message) || typeof message.role !== 'string') throw bad('each message needs a `role`');
    const role = message.role;
    if (role !== 'system' && role !== 'developer' && role !== 'user' && role !== 'assistant') throw bad('unsupported message role (use system, developer, user or assistant)');
    turns.push({ role, text: textOf(message.content, role === 'user' ? images : undefined) });
  }
  const last = turns.at(-1);
  if (last?.role !== 'user') throw bad('the last message must be from the user');
  const earlier = turns.slice(0, -1).filter((t) => t.text.trim());
  const label = (r: string): string => (r === 'assistant' ? 'Assistant' : r === 'user' ? 'User' : 'System');
  const prompt = (earlier.length ? earlier.map((t) => `${label(t.role)}: ${t.text}`).join('\n\n') + `\n\nUser: ${last.text}` : last.text).trim();
  if (prompt.length > MAX_PROMPT_CHARS) throw bad(`the conversation is over ${MAX_PROMPT_CHARS} characters`, 'Send fewer or shorter messages.');

  const rawMax = body.max_completion_tokens ?? body.max_tokens;
  let maxTokens: number | undefined;
  if (rawMax !== undefined && rawMax !== null) {
    if (!Number.isInteger(rawMax) || (rawMax as number) <= 0) throw bad('`max_tokens` must be a positive integer', 'Omit max_tokens or send a positive integer.');
    maxTokens = Math.min(rawMax as number, 8192);
  }
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  const format = parseResponseFormat(body.response_format);
  const ocr = ocrModelIds.has(model);
  if (ocr && images.length === 0) throw bad('OCR needs an image', 'Add an image_url part with a data: URI.');
  return {
    model,
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
    task: ocr ? 'ocr' : prompt ? 'ask' : 'describe',
    ...(ocr ? { engine: 'ocr' as const } : {}),
    ...(prompt && !ocr ? { prompt } : {}),
    images,
    ...(maxTokens ? { maxTokens } : {}),
    ...(format && !ocr ? { format } : {}),
  };
}
