import { MAX_VIDEO_FRAMES, VideoClip } from '@loupe/shared';
import { z } from 'zod';
import { CONVERSATION_SOURCES } from '../jobs/conversation';
import { exportedFile, type ReadFile } from '../files/exported-file';
import { HISTORY_LIMIT, type HistoryEntry } from './history-store';

/**
 * The exported history file, read back: validated whole (one bad entry refuses the file,
 * naming the field), thumbnails only as inline images (an imported file never makes the
 * panel fetch anything), entries already present kept as they are.
 */
const Turn = z.object({
  id: z.string().min(1).max(100),
  task: z.enum(['ocr', 'describe', 'code', 'ask', 'ground']),
  prompt: z.string().max(4000).optional(),
  text: z.string().max(1_000_000),
  status: z.enum(['sending', 'queued', 'running', 'done', 'error', 'cancelled']),
  model: z.string().max(300).optional(),
  standIn: z.boolean().optional(),
  device: z.string().max(100).optional(),
  error: z.string().max(2000).optional(),
  json: z.boolean().optional(),
});

/** Only inline images of the formats the companion reads: an imported file never makes the panel fetch anything. */
const inlineImage = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^data:image\/(jpeg|png|webp);base64,[A-Za-z0-9+/=]+$/);

const Thumbnail = inlineImage(2_000_000);

const StoredImage = z.object({
  turn: z.number().int().nonnegative().max(200),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
  origin: z.enum(['bytes', 'crop', 'tab']),
  thumbnail: Thumbnail.optional(),
  dataUrl: inlineImage(48_000_000).optional(),
});

const Video = z.object({
  clip: VideoClip.and(z.object({ range: z.tuple([z.number().min(0), z.number().min(0)]) })),
  frames: z.array(z.object({ time: z.number().min(0), thumb: Thumbnail })).min(1).max(MAX_VIDEO_FRAMES),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  bytes: z.number().int().nonnegative(),
});

const Entry = z.object({
  id: z.string().min(1).max(100),
  createdAt: z.number().finite(),
  updatedAt: z.number().finite(),
  source: z.enum(CONVERSATION_SOURCES),
  pageUrl: z.string().max(8000).optional(),
  pageTitle: z.string().max(2000).optional(),
  thumbnail: Thumbnail.optional(),
  image: z.object({ width: z.number().int().positive(), height: z.number().int().positive(), bytes: z.number().int().nonnegative() }).optional(),
  images: z.array(StoredImage).max(16).optional(),
  video: Video.optional(),
  turns: z.array(Turn).min(1).max(200),
});

/** The file's entries: at most 10,000 (else it is not a history file), each validated whole. */
const HISTORY_FILE = exportedFile({
  format: 'loupe-history',
  version: 1,
  key: 'entries',
  shell: z.array(z.unknown()).max(10_000),
  // The schema checks what a stored entry may hold; the stored type is HistoryEntry.
  content: z.array(Entry).transform((entries) => entries as HistoryEntry[]),
});

export function exportHistory(entries: HistoryEntry[]): string {
  return HISTORY_FILE.write(entries);
}

export function parseHistoryFile(text: string): ReadFile<HistoryEntry[]> {
  return HISTORY_FILE.read(text);
}

/** Adds imported entries the list lacks (same id = same conversation: the stored one stays), newest first. */
export function mergeHistory(current: HistoryEntry[], imported: HistoryEntry[]): { list: HistoryEntry[]; added: number; skipped: number } {
  const known = new Set(current.map((e) => e.id));
  const fresh = imported.filter((e) => !known.has(e.id) && known.add(e.id));
  const list = [...current, ...fresh].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, HISTORY_LIMIT);
  return { list, added: fresh.length, skipped: imported.length - fresh.length };
}
