import type { Task } from '@loupe/shared';
import { dataUrlToBytes } from '../capture/image-bytes';
import type { Conversation, SentImage, Turn, TurnStatus } from '../jobs/conversation';
import type { HistoryEntry } from './history-store';

const FINAL: TurnStatus[] = ['done', 'error', 'cancelled'];

/** The stored thumbnail as the conversation's image (history keeps no full image). */
async function thumbnailImage(dataUrl: string): Promise<SentImage | undefined> {
  try {
    const bytes = dataUrlToBytes(dataUrl);
    const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
    const image: SentImage = { dataUrl, width: bitmap.width, height: bitmap.height, bytes: bytes.length, origin: 'bytes' };
    bitmap.close();
    return image;
  } catch {
    return undefined;
  }
}

/** A history entry as the live conversation again: same id (the companion may still hold its image), turns as they ended. */
export async function restoreConversation(entry: HistoryEntry): Promise<Conversation> {
  const image = entry.thumbnail ? await thumbnailImage(entry.thumbnail) : undefined;
  const turns: Turn[] = entry.turns.map((t) => ({
    id: t.id,
    task: t.task as Task,
    ...(t.prompt ? { prompt: t.prompt } : {}),
    status: FINAL.includes(t.status as TurnStatus) ? (t.status as TurnStatus) : 'error',
    text: t.text,
    createdAt: entry.createdAt,
    finishedAt: entry.updatedAt,
    ...(t.model ? { model: { id: t.model, engine: '', device: t.device ?? '', standIn: !!t.standIn } } : {}),
    ...(t.error ? { error: { code: 'internal' as const, message: t.error } } : {}),
  }));
  return {
    id: entry.id,
    createdAt: entry.createdAt,
    source: entry.source,
    ...(entry.pageUrl ? { pageUrl: entry.pageUrl } : {}),
    ...(entry.pageTitle ? { pageTitle: entry.pageTitle } : {}),
    ...(image && !entry.video ? { image } : {}),
    ...(entry.video ? { video: { ...entry.video } } : {}),
    turns,
    restored: 'history',
  };
}
