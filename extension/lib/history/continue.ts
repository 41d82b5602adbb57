import type { Task } from '@loupe/shared';
import { dataUrlToBytes } from '../capture/image-bytes';
import type { Conversation, SentImage, Turn, TurnStatus } from '../jobs/conversation';
import type { HistoryEntry, StoredImage } from './history-store';

const FINAL: TurnStatus[] = ['done', 'error', 'cancelled'];

/** A stored thumbnail as an image (an entry whose sent bytes were evicted, or an older one that kept none). */
async function thumbnailImage(dataUrl: string, origin: SentImage['origin'] = 'bytes'): Promise<SentImage | undefined> {
  try {
    const bytes = dataUrlToBytes(dataUrl);
    const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
    const image: SentImage = { dataUrl, width: bitmap.width, height: bitmap.height, bytes: bytes.length, origin, thumbnailOnly: true };
    bitmap.close();
    return image;
  } catch {
    return undefined;
  }
}

/** A stored image as the panel shows it and the companion gets it again: its sent bytes, else its thumbnail. */
async function storedImage(stored: StoredImage): Promise<SentImage | undefined> {
  if (stored.dataUrl) return { dataUrl: stored.dataUrl, width: stored.width, height: stored.height, bytes: stored.bytes, origin: stored.origin };
  return stored.thumbnail ? thumbnailImage(stored.thumbnail, stored.origin) : undefined;
}

/** A history entry as the live conversation again: same id (the companion may still hold its images), turns as they ended. */
export async function restoreConversation(entry: HistoryEntry): Promise<Conversation> {
  const turns: Turn[] = entry.turns.map((t) => ({
    id: t.id,
    task: t.task as Task,
    ...(t.prompt ? { prompt: t.prompt } : {}),
    ...(t.json ? { format: { type: 'json_object' as const } } : {}),
    status: FINAL.includes(t.status as TurnStatus) ? (t.status as TurnStatus) : 'error',
    text: t.text,
    createdAt: entry.createdAt,
    finishedAt: entry.updatedAt,
    ...(t.model ? { model: { id: t.model, engine: '', device: t.device ?? '', standIn: !!t.standIn } } : {}),
    ...(t.error ? { error: { code: 'internal' as const, message: t.error } } : {}),
  }));
  let image: SentImage | undefined;
  if (entry.images?.length) {
    for (const stored of entry.images) {
      const restored = await storedImage(stored);
      if (!restored) continue;
      const turn = turns[stored.turn];
      if (stored.turn === 0 && !image) image = restored;
      else if (turn) turn.images = [...(turn.images ?? []), restored];
    }
  } else if (entry.thumbnail) {
    image = await thumbnailImage(entry.thumbnail);
  }
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
