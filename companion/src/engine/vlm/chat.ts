import type { ConversationTurn } from '../engine';

export type ChatContent = { type: 'image' } | { type: 'video' } | { type: 'text'; text: string };
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: ChatContent[];
}

/**
 * Builds the chat for one job: images go into the user turn that brought them (earlier
 * follow-ups with new images, this job's own `newImages`), all others into the first user
 * turn, so every image of the conversation is seen in order.
 */
export function buildChat(options: { imageCount: number; history: ConversationTurn[]; text: string; firstTurnText: string; newImages?: number; video?: boolean }): ChatMessage[] {
  if (options.video) {
    // A clip is one video item in the first user turn (its frames are not separate images).
    const chat = buildChat({ ...options, imageCount: 1, newImages: 0, video: false, history: options.history.map(({ role, text }) => ({ role, text })) });
    chat[0]!.content = chat[0]!.content.map((c) => (c.type === 'image' ? { type: 'video' } : c));
    return chat;
  }
  const pads = (n: number): ChatContent[] => Array.from({ length: n }, () => ({ type: 'image' }));
  const messages: ChatMessage[] = options.history.map((turn) => ({ role: turn.role, content: [...(turn.role === 'user' ? pads(turn.images ?? 0) : []), { type: 'text', text: turn.text }] }));
  if (messages.length > 0 && messages[0]?.role !== 'user') {
    // The conversation began with an answer (e.g. a describe): restate what was asked then.
    messages.unshift({ role: 'user', content: [{ type: 'text', text: options.firstTurnText }] });
  }
  const own = Math.min(options.newImages ?? 0, options.imageCount);
  messages.push({ role: 'user', content: [...pads(own), { type: 'text', text: options.text }] });
  const later = own + options.history.reduce((n, t) => n + (t.role === 'user' ? (t.images ?? 0) : 0), 0);
  const first = messages[0]!;
  first.content = [...pads(Math.max(0, options.imageCount - later)), ...first.content];
  return messages;
}

/**
 * Expands each `<|image_pad|>` placeholder into one pad per visual token of its image,
 * as the Qwen2-VL processor does, but for images processed one at a time.
 */
export function expandImagePads(text: string, visualTokens: number[], padToken = '<|image_pad|>'): string {
  const parts = text.split(padToken);
  if (parts.length - 1 !== visualTokens.length) {
    throw new Error(`the chat template produced ${parts.length - 1} image placeholders for ${visualTokens.length} images`);
  }
  let out = parts[0] ?? '';
  for (let i = 0; i < visualTokens.length; i++) out += padToken.repeat(visualTokens[i]!) + (parts[i + 1] ?? '');
  return out;
}

/**
 * The same expansion on token ids: the chat is tokenised with one pad per image and each
 * pad id then repeated by its image's visual tokens (tokenising hundreds of pad strings costs more).
 */
export function expandPadIds(ids: ArrayLike<bigint>, padId: bigint, visualTokens: number[]): BigInt64Array {
  let pads = 0;
  for (let i = 0; i < ids.length; i++) if (ids[i] === padId) pads++;
  if (pads !== visualTokens.length) {
    throw new Error(`the chat template produced ${pads} image placeholders for ${visualTokens.length} images`);
  }
  const out = new BigInt64Array(ids.length - pads + visualTokens.reduce((a, b) => a + b, 0));
  let o = 0;
  let image = 0;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] === padId) {
      const n = visualTokens[image++]!;
      out.fill(padId, o, o + n);
      o += n;
    } else {
      out[o++] = ids[i]!;
    }
  }
  return out;
}
