import { MAX_IMAGE_BYTES, MAX_IMAGES_PER_JOB, MAX_PROMPT_CHARS, type ResponseFormat, type Sampling, type Task } from '@loupe/shared';
import type { ConversationTurn } from '../engine/engine';
import { HttpError } from './http-io';
import type { VideoPart } from './video-part';

/** One message of a chat API request, already decoded (OpenAI or Ollama shape). */
export interface ChatTurnInput {
  role: 'system' | 'user' | 'assistant';
  text: string;
  images: Uint8Array[];
  video?: VideoPart;
}

/**
 * What the engine gets from a stateless chat request: the system text apart (a remote
 * backend forwards it as a system message), earlier turns as real chat turns, the last user
 * text as the prompt, and every image of every user message in order, each in the turn that
 * brought it (`ConversationTurn.images`; the last message's count is `newImages`).
 */
export interface ChatConversation {
  system?: string;
  history: ConversationTurn[];
  prompt: string;
  images: Uint8Array[];
  /** Images of the last user message, set when earlier turns exist (they sit after the history's). */
  newImages?: number;
  /** One video (OpenAI-style `video_url` part): its frames become the job's images. */
  video?: VideoPart;
}

const bad = (message: string, hint: string, param = 'messages'): HttpError => new HttpError(400, 'bad_request', message, hint, param);

export function toConversation(messages: ChatTurnInput[]): ChatConversation {
  const systems: string[] = [];
  const turns: ConversationTurn[] = [];
  const images: Uint8Array[] = [];
  let video: VideoPart | undefined;
  for (const m of messages) {
    if (m.role === 'system') {
      if (m.text.trim()) systems.push(m.text.trim());
      continue;
    }
    if (m.role === 'assistant' && m.images.length) throw bad('only user messages may carry images', 'Move the image into a user message.');
    if (m.video) {
      if (m.role !== 'user') throw bad('only user messages may carry a video', 'Move the video into a user message.');
      if (video) throw bad('a request takes one video', 'Send one video part.');
      video = m.video;
    }
    images.push(...m.images);
    if (video && images.length) throw bad('a request takes one video or images, not both', 'Send the video and the images in separate requests.');
    if (images.length > MAX_IMAGES_PER_JOB) throw bad(`at most ${MAX_IMAGES_PER_JOB} images per request`, 'Send fewer images.');
    const previous = turns.at(-1);
    // Chat templates alternate roles: consecutive messages of one role become one turn.
    if (previous?.role === m.role) previous.text = [previous.text, m.text].filter(Boolean).join('\n\n');
    else turns.push({ role: m.role, text: m.text });
    if (m.images.length) turns.at(-1)!.images = (turns.at(-1)!.images ?? 0) + m.images.length;
  }
  const last = turns.pop();
  if (last?.role !== 'user') throw bad('the last message must be from the user', 'End `messages` with a user message.');
  const history = turns.filter((t) => t.text.trim() || t.images);
  const system = systems.join('\n\n');
  const size = system.length + last.text.length + history.reduce((n, t) => n + t.text.length, 0);
  if (size > MAX_PROMPT_CHARS) throw bad(`the conversation is over ${MAX_PROMPT_CHARS} characters`, 'Send fewer or shorter messages.');
  const newImages = history.length && last.images ? { newImages: last.images } : {};
  return { ...(system ? { system } : {}), history, prompt: last.text.trim(), images, ...newImages, ...(video ? { video } : {}) };
}

/** The job a chat request asks for, the same whether it came in the OpenAI or the Ollama shape. */
export interface ChatJob {
  task: Task;
  engine?: 'ocr';
  prompt?: string;
  images: Uint8Array[];
  /** A video part: decoded (sampled) before the job is built. */
  video?: VideoPart;
  maxTokens?: number;
  sampling?: Sampling;
  format?: ResponseFormat;
  system?: string;
  history: ConversationTurn[];
  /** Images of the last message, after the history's (ChatConversation.newImages). */
  newImages?: number;
}

/**
 * `loupe-ocr` reads exactly one image with the OCR engine; the VLM answers the last user text
 * (ask) or, with none, describes the images. `images` names where the request's images go, for the error.
 */
export function chatJob(chat: ChatConversation, kind: 'vlm' | 'ocr', o: { maxTokens?: number; sampling?: Sampling; format?: ResponseFormat; images: { hint: string; param: string } }): ChatJob {
  if (kind === 'ocr') {
    if (chat.video) throw bad('loupe-ocr reads one image, not a video', 'Send one frame as an image, or ask a vision model about the video.', o.images.param);
    if (chat.images.length !== 1) throw bad('loupe-ocr reads exactly one image', o.images.hint, o.images.param);
    return { task: 'ocr', engine: 'ocr', images: chat.images, history: [] };
  }
  if (!chat.prompt && chat.images.length === 0 && !chat.video) throw bad('the last user message is empty', 'Send a question, an image, or both.');
  return {
    task: chat.prompt ? 'ask' : 'describe',
    ...(chat.prompt ? { prompt: chat.prompt } : {}),
    images: chat.images,
    ...(chat.video ? { video: chat.video } : {}),
    ...(o.maxTokens ? { maxTokens: o.maxTokens } : {}),
    ...(o.sampling ? { sampling: o.sampling } : {}),
    ...(o.format ? { format: o.format } : {}),
    ...(chat.system ? { system: chat.system } : {}),
    ...(chat.newImages ? { newImages: chat.newImages } : {}),
    history: chat.history,
  };
}

/** Base64 image bytes (a data: URI's payload or Ollama's bare base64), size-checked before decoding. */
export function decodeBase64Image(b64: string, param: string): Uint8Array {
  if (b64.length > Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4) {
    throw new HttpError(413, 'image_too_large', `image is over the ${MAX_IMAGE_BYTES}-byte limit`, 'Send a smaller image.', param);
  }
  const bytes = Buffer.from(b64, 'base64');
  if (bytes.length === 0) throw new HttpError(400, 'bad_request', 'an image is empty or not base64', 'Send the image file as base64.', param);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
