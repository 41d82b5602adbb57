import { z } from 'zod';
import { SettingFields, type Settings } from './settings';

const FORMAT = 'loupe-settings';
const VERSION = 1;

/** Settings a file may carry. The pairing token is a secret of this browser: never exported or imported. */
const Portable = z.object(SettingFields).omit({ manualToken: true }).partial().strict();
export type PortableSettings = z.infer<typeof Portable>;

const SettingsFile = z.object({ format: z.literal(FORMAT), version: z.literal(VERSION), settings: Portable });

export function exportSettings(settings: Settings): string {
  const { manualToken: _secret, ...portable } = settings;
  return JSON.stringify({ format: FORMAT, version: VERSION, exportedAt: new Date().toISOString(), settings: portable }, null, 2);
}

export type ImportResult =
  | { ok: true; settings: PortableSettings }
  /** `field` names the bad entry (e.g. `settings.port`) when the file is a settings file with a bad value. */
  | { ok: false; problem: 'not-json' | 'not-settings-file' | 'bad-value'; field?: string };

/** Reads a file written by `exportSettings`; a bad file is refused whole, saying what is wrong in it. */
export function importSettings(text: string): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not-json' };
  }
  const parsed = SettingsFile.safeParse(json);
  if (parsed.success) return { ok: true, settings: parsed.data.settings };
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join('.');
  if (issue.path[0] !== 'settings') return { ok: false, problem: 'not-settings-file' };
  // An unknown key (e.g. a smuggled token) is reported by zod with the keys, not the path.
  const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((k) => `settings.${k}`).join(', ') : field;
  return { ok: false, problem: 'bad-value', field: keys };
}
