import type { ErrorCode, FinishReason, GroundBox, JobStats, ModelInfo, OcrBlock, OcrLine, ResponseFormat, ServerMessage, Task, VideoClip } from '@loupe/shared';

/** The image that was sent, as the panel shows it (what the model saw, and its size). */
export interface SentImage {
  dataUrl: string;
  width: number;
  height: number;
  bytes: number;
  /** 'bytes': the image's own bytes; 'crop': a crop of the visible tab. */
  origin: 'bytes' | 'crop' | 'tab';
  /** Set when the image was downscaled to the size budget. */
  originalWidth?: number;
  originalHeight?: number;
  /** Restored from history without its sent bytes (evicted over the size cap): this is the thumbnail. */
  thumbnailOnly?: boolean;
}

/**
 * A video conversation's frames: how they were sampled (the clip sent with the job) and small
 * thumbnails for the panel's filmstrip and history (the sent stills stay in the background).
 */
export interface SentVideo {
  clip: VideoClip & { range: [number, number] };
  frames: Array<{ time: number; thumb: string }>;
  /** Each frame's size as sent, and all frames' bytes together. */
  width: number;
  height: number;
  bytes: number;
  /** Where the video plays, for timestamp links and resampling (absent once restored from history). */
  target?: { tabId: number; frameId: number; videoId: number };
}

export type TurnStatus = 'sending' | 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export interface Turn {
  id: string;
  task: Task;
  prompt?: string;
  /** Images this follow-up brought (the conversation's first image is `Conversation.image`). */
  images?: SentImage[];
  /** Extract as JSON: the answer is JSON in this shape (shown pretty-printed). */
  format?: ResponseFormat;
  status: TurnStatus;
  queuePosition?: number;
  text: string;
  model?: ModelInfo;
  stats?: JobStats;
  finishReason?: FinishReason;
  lines?: OcrLine[];
  /** OCR: code, table and prose blocks by line of `text`, as the engine laid them out. */
  blocks?: OcrBlock[];
  /** OCR: the image had nothing to read. */
  noText?: boolean;
  boxes?: GroundBox[];
  error?: { code: ErrorCode | 'disconnected'; message: string; hint?: string };
  createdAt: number;
  finishedAt?: number;
}

/** Where a conversation's picture came from (history files name it too). */
export const CONVERSATION_SOURCES = ['image', 'region', 'tab', 'video'] as const;

export interface Conversation {
  id: string;
  createdAt: number;
  source: (typeof CONVERSATION_SOURCES)[number];
  pageUrl?: string;
  pageTitle?: string;
  image?: SentImage;
  video?: SentVideo;
  turns: Turn[];
  /**
   * Continued from history: 'history' until a follow-up reaches the companion; 'resent' once the
   * stored thumbnail had to be sent again (the companion no longer knew the conversation).
   */
  restored?: 'history' | 'resent';
}

/** Every image of the conversation, in the order it was sent: what the model sees. */
export function conversationImages(conversation: Conversation): SentImage[] {
  return [...(conversation.image ? [conversation.image] : []), ...conversation.turns.flatMap((t) => t.images ?? [])];
}

export const isFinished = (turn: Turn): boolean => turn.status === 'done' || turn.status === 'error' || turn.status === 'cancelled';

/**
 * Applies one validated server message to the turn it names. Returns true when the
 * conversation changed. Messages for unknown ids, or arriving after the turn ended, are
 * ignored (a job ends with exactly one terminal message).
 */
export function applyServerMessage(conversation: Conversation, message: ServerMessage): boolean {
  if (!('id' in message) || message.id === undefined) return false;
  const turn = conversation.turns.find((t) => t.id === message.id);
  if (!turn || isFinished(turn)) return false;
  switch (message.type) {
    case 'queued':
      turn.status = 'queued';
      turn.queuePosition = message.position;
      return true;
    case 'started':
      turn.status = 'running';
      turn.model = message.model;
      delete turn.queuePosition;
      return true;
    case 'delta':
      turn.status = 'running';
      turn.text += message.text;
      return true;
    case 'done':
      turn.status = 'done';
      turn.text = message.text;
      turn.model = message.model;
      turn.stats = message.stats;
      turn.finishReason = message.finishReason;
      if (message.lines) turn.lines = message.lines;
      if (message.blocks) turn.blocks = message.blocks;
      if (message.no_text) turn.noText = true;
      if (message.boxes) turn.boxes = message.boxes;
      turn.finishedAt = Date.now();
      return true;
    case 'error':
      turn.status = 'error';
      turn.error = { code: message.code, message: message.message, ...(message.hint ? { hint: message.hint } : {}) };
      turn.finishedAt = Date.now();
      return true;
    case 'cancelled':
      turn.status = 'cancelled';
      turn.finishedAt = Date.now();
      return true;
    default:
      return false;
  }
}

/** Ends every unfinished turn when the link drops: the companion cancels a disconnected client's jobs. */
export function failUnfinished(conversation: Conversation, message: string, hint?: string): boolean {
  let changed = false;
  for (const turn of conversation.turns) {
    if (isFinished(turn)) continue;
    turn.status = 'error';
    turn.error = { code: 'disconnected', message, ...(hint ? { hint } : {}) };
    turn.finishedAt = Date.now();
    changed = true;
  }
  return changed;
}

export function newId(prefix: string): string {
  const rnd = crypto.getRandomValues(new Uint8Array(8));
  return `${prefix}-${Date.now().toString(36)}-${Array.from(rnd, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
