import type { Region, VideoClip } from '@loupe/shared';
import type { ConversationTurn } from '../engine/engine';

export interface Conversation {
  images: Uint8Array[];
  region?: Region;
  /** The conversation is about a video: its images are the clip's frames. */
  video?: VideoClip;
  turns: ConversationTurn[];
}

/**
 * Follow-up questions name only a conversationId; the image and earlier turns live here,
 * in memory, bounded by count and by image bytes (least recently used goes first).
 * A conversation belongs to the client (connection) that started it: another client that
 * knows its id neither reads nor replaces it, and it ends when its client goes away.
 */
export class ConversationStore {
  private readonly map = new Map<string, Conversation>();
  private bytes = 0;

  constructor(
    private readonly maxConversations = 32,
    private readonly maxBytes = 256 * 1024 * 1024,
  ) {}

  get size(): number {
    return this.map.size;
  }

  /** Starts (or restarts, with a new image) one of `owner`'s conversations. */
  start(owner: string, conversationId: string, images: Uint8Array[], region?: Region, video?: VideoClip): Conversation {
    const id = key(owner, conversationId);
    this.delete(id);
    // Copy: the bytes may be a view into a larger WebSocket frame that must not stay alive.
    const owned = images.map((i) => new Uint8Array(i));
    const conversation: Conversation = { images: owned, turns: [], ...(region ? { region } : {}), ...(video ? { video } : {}) };
    this.map.set(id, conversation);
    this.bytes += size(conversation);
    this.evict();
    return conversation;
  }

  /** A follow-up brought more images: the conversation keeps all of them, in order. */
  append(conversation: Conversation, images: Uint8Array[]): void {
    const owned = images.map((i) => new Uint8Array(i));
    conversation.images.push(...owned);
    this.bytes += owned.reduce((n, i) => n + i.byteLength, 0);
    this.evict();
  }

  get(owner: string, conversationId: string): Conversation | undefined {
    const id = key(owner, conversationId);
    const conversation = this.map.get(id);
    if (conversation) {
      this.map.delete(id);
      this.map.set(id, conversation);
    }
    return conversation;
  }

  /** Ends every conversation of a client that went away. */
  endOwner(owner: string): void {
    const prefix = key(owner, '');
    for (const id of [...this.map.keys()]) if (id.startsWith(prefix)) this.delete(id);
  }

  private delete(id: string): void {
    const old = this.map.get(id);
    if (!old) return;
    this.map.delete(id);
    this.bytes -= size(old);
  }

  private evict(): void {
    for (const [id] of this.map) {
      if (this.map.size <= this.maxConversations && this.bytes <= this.maxBytes) return;
      if (this.map.size === 1) return;
      this.delete(id);
    }
  }
}

const key = (owner: string, conversationId: string): string => `${owner}\u0000${conversationId}`;
const size = (c: Conversation): number => c.images.reduce((n, i) => n + i.byteLength, 0);
