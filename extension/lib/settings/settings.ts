import { z } from 'zod';
import { DEFAULT_PORT } from '@loupe/shared';
import { browser } from 'wxt/browser';

export const ImageAction = z.enum(['describe', 'ocr', 'code']);
export const RegionAction = z.enum(['choose', 'ocr', 'describe', 'code', 'ask', 'extract']);
export const Language = z.enum(['auto', 'en', 'zh-CN']);

/** Each setting's valid values, strict: what an imported settings file is checked against. */
export const SettingFields = {
  port: z.number().int().min(1).max(65535),
  language: Language,
  imageAction: ImageAction,
  regionAction: RegionAction,
  captureAction: ImageAction,
  autoCopy: z.boolean(),
  ocrOverlay: z.boolean(),
  maxImagePixels: z.number().int().min(100_000).max(40_000_000),
  manualToken: z.string().max(200),
};

/** Stored settings: a missing or corrupt value falls back to its default instead of failing. */
export const Settings = z.object({
  port: SettingFields.port.catch(DEFAULT_PORT).default(DEFAULT_PORT),
  language: SettingFields.language.catch('auto').default('auto'),
  /** What "Loupe: the image under the cursor" does from the page menu and the action button. */
  imageAction: SettingFields.imageAction.catch('describe').default('describe'),
  /** What happens after a region is selected: ask each time, or one action directly. */
  regionAction: SettingFields.regionAction.catch('choose').default('choose'),
  /** What "Capture visible tab" does. */
  captureAction: SettingFields.captureAction.catch('code').default('code'),
  autoCopy: SettingFields.autoCopy.catch(true).default(true),
  ocrOverlay: SettingFields.ocrOverlay.catch(true).default(true),
  /** Images over this many pixels are downscaled before they are sent. */
  maxImagePixels: SettingFields.maxImagePixels.catch(4_000_000).default(4_000_000),
  /** Last resort when native messaging is unavailable: the output of `loupe token`. */
  manualToken: SettingFields.manualToken.catch('').default(''),
});
export type Settings = z.infer<typeof Settings>;
export type ImageAction = z.infer<typeof ImageAction>;
export type RegionAction = z.infer<typeof RegionAction>;

const KEY = 'settings';

export const defaultSettings = (): Settings => Settings.parse({});

export async function loadSettings(): Promise<Settings> {
  const stored = (await browser.storage.local.get(KEY))[KEY];
  return Settings.parse(stored ?? {});
}

export async function saveSettings(patch: Partial<Settings>): Promise<Settings> {
  const next = Settings.parse({ ...(await loadSettings()), ...patch });
  await browser.storage.local.set({ [KEY]: next });
  return next;
}

export function onSettingsChanged(listener: (s: Settings) => void): () => void {
  const handler = (changes: Record<string, { newValue?: unknown }>, area: string) => {
    if (area === 'local' && KEY in changes) listener(Settings.parse(changes[KEY]?.newValue ?? {}));
  };
  browser.storage.onChanged.addListener(handler);
  return () => browser.storage.onChanged.removeListener(handler);
}
