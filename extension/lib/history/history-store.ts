import { browser } from 'wxt/browser';
import type { Conversation, SentImage, SentVideo } from '../jobs/conversation';
import { filled } from '../fields';

/**
 * History of conversations in extension-local storage: survives restarts, searchable,
 * exportable as JSON, cleared in one click. Every image keeps a thumbnail; the sent bytes are
 * kept too while all of history's stay under HISTORY_IMAGE_BYTES (older ones are dropped first).
 * A video keeps its filmstrip's thumbnails only.
 */
export interface HistoryEntry {
  id: string;
  createdAt: number;
  updatedAt: number;
  source: Conversation['source'];
  pageUrl?: string;
  pageTitle?: string;
  /** The list's picture: the first image's thumbnail, or a video's middle frame. */
  thumbnail?: string;
  image?: { width: number; height: number; bytes: number };
  /** Every image of the conversation, in order, with the turn that sent it (0: the first job). */
  images?: StoredImage[];
  /** A video conversation: how it was sampled and the filmstrip's thumbnails. */
  video?: Pick<SentVideo, 'clip' | 'frames' | 'width' | 'height' | 'bytes'>;
  /** `status` 'error' / 'cancelled' marks a failed turn (with `error`); see shouldKeep for what is stored. */
  turns: Array<{ id: string; task: string; prompt?: string; text: string; status: string; model?: string; standIn?: boolean; device?: string; error?: string; json?: boolean }>;
}

export interface StoredImage {
  turn: number;
  width: number;
  height: number;
  bytes: number;
  origin: SentImage['origin'];
  thumbnail?: string;
  /** The bytes that were sent, as a data URL; absent once evicted over HISTORY_IMAGE_BYTES. */
  dataUrl?: string;
}

/** Sent image bytes history keeps in all (thumbnails are always kept): the newest conversations' first. */
export const HISTORY_IMAGE_BYTES = 20 * 1024 * 1024;

const KEY = 'history';
export const HISTORY_LIMIT = 200;

export async function listHistory(): Promise<HistoryEntry[]> {
  const raw = (await browser.storage.local.get(KEY))[KEY];
  return Array.isArray(raw) ? (raw as HistoryEntry[]) : [];
}

/** Thumbnails by image (made once, in the background, when the image is sent). */
export type Thumbnails = (image: SentImage) => string | undefined;

export function toEntry(conversation: Conversation, thumbnail?: string, thumbs?: Thumbnails): HistoryEntry {
  const images: StoredImage[] = [
    ...(conversation.image ? [{ turn: 0, image: conversation.image }] : []),
    ...conversation.turns.flatMap((t, turn) => (t.images ?? []).map((image) => ({ turn, image }))),
  ].map(({ turn, image }) => {
    const thumb = thumbs?.(image);
    return {
      turn,
      width: image.width,
      height: image.height,
      bytes: image.bytes,
      origin: image.origin,
      ...(thumb ? { thumbnail: thumb } : {}),
      ...(image.thumbnailOnly ? {} : { dataUrl: image.dataUrl }),
    };
  });
  return {
    id: conversation.id,
    createdAt: conversation.createdAt,
    updatedAt: Date.now(),
    source: conversation.source,
    ...filled({ pageUrl: conversation.pageUrl, pageTitle: conversation.pageTitle, thumbnail }),
    ...(conversation.image ? { image: { width: conversation.image.width, height: conversation.image.height, bytes: conversation.image.bytes } } : {}),
    ...(images.length ? { images } : {}),
    ...(conversation.video ? { video: { clip: conversation.video.clip, frames: conversation.video.frames, width: conversation.video.width, height: conversation.video.height, bytes: conversation.video.bytes } } : {}),
    turns: conversation.turns.map((t) => ({
      id: t.id,
      task: t.task,
      ...filled({ prompt: t.prompt }),
      text: t.text,
      status: t.status,
      ...(t.format ? { json: true } : {}),
      ...(t.error ? { error: t.error.message } : {}),
      ...(t.model ? { model: t.model.id, standIn: t.model.standIn, device: t.model.device } : {}),
    })),
  };
}

/** Inserts or replaces an entry (newest first), keeping at most HISTORY_LIMIT. */
export async function saveEntry(entry: HistoryEntry): Promise<void> {
  const all = await listHistory();
  const list = all.filter((e) => e.id !== entry.id);
  const existing = all.find((e) => e.id === entry.id);
  const merged: HistoryEntry = existing && !entry.thumbnail && existing.thumbnail ? { ...entry, thumbnail: existing.thumbnail } : entry;
  list.unshift(merged);
  await browser.storage.local.set({ [KEY]: capImageBytes(list.slice(0, HISTORY_LIMIT)) });
}

/**
 * Keeps the sent bytes of the newest entries' images while they fit in `cap`, and drops the
 * rest's (their thumbnails stay): the entries themselves are never evicted for their images.
 */
export function capImageBytes(list: HistoryEntry[], cap = HISTORY_IMAGE_BYTES): HistoryEntry[] {
  let kept = 0;
  return list.map((entry) => {
    if (!entry.images?.some((i) => i.dataUrl)) return entry;
    const images = entry.images.map((image) => {
      if (!image.dataUrl) return image;
      if (kept + image.bytes <= cap) {
        kept += image.bytes;
        return image;
      }
      const { dataUrl: _dropped, ...rest } = image;
      return rest;
    });
    return { ...entry, images };
  });
}

/**
 * A conversation is stored once it has an answer; one whose every job failed before answering
 * is not (it holds nothing to find again, and the panel already shows the error). Failed or
 * cancelled turns of a stored conversation are kept and marked.
 */
export function shouldKeep(conversation: Conversation): boolean {
  return conversation.turns.some((t) => t.text.trim().length > 0);
}

/** Removes every entry and returns them, so the panel can offer Undo. */
export async function clearHistory(): Promise<HistoryEntry[]> {
  const removed = await listHistory();
  await browser.storage.local.remove(KEY);
  return removed;
}

/** Replaces the stored list (Undo after Clear all, or a merged import). */
export async function replaceHistory(entries: HistoryEntry[]): Promise<void> {
  await browser.storage.local.set({ [KEY]: capImageBytes(entries.slice(0, HISTORY_LIMIT)) });
}

/** The entry as plain text, for the clipboard. */
export function entryText(entry: HistoryEntry): string {
  return entry.turns.map((t) => [`## ${t.task}${t.prompt ? `: ${t.prompt}` : ''}`, t.text, t.error ? `(${t.status}: ${t.error})` : ''].filter(Boolean).join('\n\n')).join('\n\n');
}

export async function deleteEntry(id: string): Promise<void> {
  await browser.storage.local.set({ [KEY]: (await listHistory()).filter((e) => e.id !== id) });
}

/** Case-insensitive match over page title/URL, prompts and answers; every word must match. */
export function searchHistory(entries: HistoryEntry[], query: string): HistoryEntry[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return entries;
  return entries.filter((e) => {
    const hay = [e.pageTitle, e.pageUrl, ...e.turns.flatMap((t) => [t.prompt, t.text, t.task])].filter(Boolean).join('\n').toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}
