import en from '../../public/_locales/en/messages.json';
import zh from '../../public/_locales/zh_CN/messages.json';
import type { MessageKey } from './message-key';

/**
 * Every visible string comes from `_locales`. The browser's own i18n cannot switch
 * language at run time, so the options' language setting is applied here from the
 * same message files (the manifest still uses __MSG_ keys).
 */
type Catalog = Record<string, { message: string }>;
export type { MessageKey };
export type UiLocale = 'en' | 'zh-CN';

const catalogs: Record<UiLocale, Catalog> = { en, 'zh-CN': zh };
let current: UiLocale = 'en';

export function browserLocale(): UiLocale {
  const lang = (globalThis.navigator?.language ?? 'en').toLowerCase();
  return lang.startsWith('zh') ? 'zh-CN' : 'en';
}

export function setLocale(setting: 'auto' | UiLocale): UiLocale {
  current = setting === 'auto' ? browserLocale() : setting;
  return current;
}

export function locale(): UiLocale {
  return current;
}

/** Looks up a message and fills $1…$9 placeholders. Falls back to English, then the key. */
export function t(key: MessageKey, ...subs: Array<string | number>): string {
  const entry = catalogs[current][key] ?? catalogs.en[key];
  const text = entry?.message ?? key;
  return text.replace(/\$(\d)/g, (_, n: string) => String(subs[Number(n) - 1] ?? ''));
}

export function allKeys(loc: UiLocale): string[] {
  return Object.keys(catalogs[loc]);
}
