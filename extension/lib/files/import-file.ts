import { t, type MessageKey } from '../i18n/i18n';
import type { ReadFile } from './exported-file';

/** What each kind of file tells the user to choose instead (its own export button). */
export interface ImportFixes {
  notJson: MessageKey;
  wrongFile: MessageKey;
}

export type ImportOutcome<T> = { ok: true; content: T } | { ok: false; text: string };

/**
 * The file just chosen in an `<input type="file">`, read by `read`; a refused file comes back as
 * its "Import failed: …" line naming the fix. Null when nothing was chosen. The input is cleared,
 * so choosing the same file again imports it again.
 */
export async function importChosenFile<T>(e: Event, read: (text: string) => ReadFile<T>, fixes: ImportFixes): Promise<ImportOutcome<T> | null> {
  const input = e.currentTarget as HTMLInputElement;
  const file = input.files?.[0];
  input.value = '';
  if (!file) return null;
  const r = read(await file.text());
  if (r.ok) return r;
  const why = r.problem === 'not-json' ? t(fixes.notJson) : r.problem === 'wrong-file' ? t(fixes.wrongFile) : t('importBadValue', r.field ?? '');
  return { ok: false, text: t('importFailed', why) };
}
