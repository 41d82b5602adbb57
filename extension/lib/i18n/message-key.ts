import type en from '../../public/_locales/en/messages.json';

/** A key of the message catalogs (English is the reference); apart from i18n.ts so DOM-free code can name one. */
export type MessageKey = keyof typeof en;
