import { browser } from 'wxt/browser';
import type { Conversation, SentVideo } from '../jobs/conversation';

/**
 * History of conversations in extension-local storage: survives restarts, searchable,
 * exportable as JSON, cleared in one click. Stored images are thumbnails only (a video's: its filmstrip).
 */
export interface HistoryEntry {
  id: string;
  createdAt: number;
  updatedAt: number;
  source: Conversation['source'];
  pageUrl?: string;
  pageTitle?: string;
  thumbnail?: string;
  image?: { width: number; height: number; bytes: number };
  /** A video conversation: how it was sampled and the filmstrip's thumbnails. */
  video?: Pick<SentVideo, 'clip' | 'frames' | 'width' | 'height' | 'bytes'>;
  /** `status` 'error' / 'cancelled' marks a failed turn (with `error`); see shouldKeep for what is stored. */
  turns: Array<{ id: string; task: string; prompt?: string; text: string; status: string; model?: string; standIn?: boolean; device?: string; error?: string }>;
}

const KEY = 'history';
export const HISTORY_LIMIT = 200;

export async function listHistory(): Promise<HistoryEntry[]> {
  const raw = (await browser.storage.local.get(KEY))[KEY];
  return Array.isArray(raw) ? (raw as HistoryEntry[]) : [];
}

export function toEntry(conversation: Conversation, thumbnail?: string): HistoryEntry {
  return {
    id: conversation.id,
    createdAt: conversation.createdAt,
    updatedAt: Date.now(),
    source: conversation.source,
    ...(conversation.pageUrl ? { pageUrl: conversation.pageUrl } : {}),
    ...(conversation.pageTitle ? { pageTitle: conversation.pageTitle } : {}),
    ...(thumbnail ? { thumbnail } : {}),
    ...(conversation.image ? { image: { width: conversation.image.width, height: conversation.image.height, bytes: conversation.image.bytes } } : {}),
    ...(conversation.video ? { video: { clip: conversation.video.clip, frames: conversation.video.frames, width: conversation.video.width, height: conversation.video.height, bytes: conversation.video.bytes } } : {}),
    turns: conversation.turns.map((t) => ({
      id: t.id,
      task: t.task,
      ...(t.prompt ? { prompt: t.prompt } : {}),
      text: t.text,
      status: t.status,
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
  await browser.storage.local.set({ [KEY]: list.slice(0, HISTORY_LIMIT) });
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
  await browser.storage.local.set({ [KEY]: entries.slice(0, HISTORY_LIMIT) });
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

export function exportHistory(entries: HistoryEntry[]): string {
  return JSON.stringify({ format: 'loupe-history', version: 1, exportedAt: new Date().toISOString(), entries }, null, 2);
}
