import { z } from 'zod';
import { exportedFile, type ReadFile } from '../files/exported-file';
import { SettingFields, type Settings } from './settings';

/** Settings a file may carry. The pairing token is a secret of this browser: never exported or imported. */
const Portable = z.object(SettingFields).omit({ manualToken: true }).partial().strict();
export type PortableSettings = z.infer<typeof Portable>;

const SETTINGS_FILE = exportedFile({ format: 'loupe-settings', version: 1, key: 'settings', content: Portable });

export function exportSettings(settings: Settings): string {
  const { manualToken: _secret, ...portable } = settings;
  return SETTINGS_FILE.write(portable);
}

/** Reads a file written by `exportSettings`; a bad file is refused whole, saying what is wrong in it. */
export function importSettings(text: string): ReadFile<PortableSettings> {
  return SETTINGS_FILE.read(text);
}
