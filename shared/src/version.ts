export const LOUPE_VERSION = '0.1.0';
/** Default port of the companion daemon on 127.0.0.1. */
export const DEFAULT_PORT = 7391;
