import { MAX_VIDEO_FRAMES, VideoClip } from '@loupe/shared';
import { z } from 'zod';
import { CONVERSATION_SOURCES } from '../jobs/conversation';
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

const HistoryFile = z.object({ format: z.literal('loupe-history'), version: z.literal(1), entries: z.array(z.unknown()).max(10_000) });

export type HistoryImport =
  | { ok: true; entries: HistoryEntry[] }
  | { ok: false; problem: 'not-json' | 'not-history-file' | 'bad-value'; field?: string };

export function parseHistoryFile(text: string): HistoryImport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not-json' };
  }
  const file = HistoryFile.safeParse(raw);
  if (!file.success) return { ok: false, problem: 'not-history-file' };
  const entries: HistoryEntry[] = [];
  for (const [i, item] of file.data.entries.entries()) {
    const entry = Entry.safeParse(item);
    if (!entry.success) {
      const path = entry.error.issues[0]?.path ?? [];
      return { ok: false, problem: 'bad-value', field: [`entries[${i}]`, ...path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))].join('') };
    }
    entries.push(entry.data as HistoryEntry);
  }
  return { ok: true, entries };
}

/** Adds imported entries the list lacks (same id = same conversation: the stored one stays), newest first. */
export function mergeHistory(current: HistoryEntry[], imported: HistoryEntry[]): { list: HistoryEntry[]; added: number; skipped: number } {
  const known = new Set(current.map((e) => e.id));
  const fresh = imported.filter((e) => !known.has(e.id) && known.add(e.id));
  const list = [...current, ...fresh].sort((a, b) => b.updatedAt - a.updatedAt).slice(0, HISTORY_LIMIT);
  return { list, added: fresh.length, skipped: imported.length - fresh.length };
}
