/**
 * The Chrome extension's identity is pinned by the manifest `key`: the id below is
 * derived from it (sha256 of the DER public key, first 32 hex digits mapped to a–p).
 * The companion allows WebSocket Origins of exactly this id; the native-messaging host
 * manifest lists it as the only allowed origin.
 */
export const CHROME_EXTENSION_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwpsBRxhOtP8dyHx8oHF+BVZOyqj1dwwtvKkhH+FIJhf3RKAKMcetXSOl2ywrxZcMGTiHS8Pg4LoQHa1PU67RXe28Uf9dLSWgzD1tU7eLt6nuAkahhHzkr4tQfEyRb/mu99F4BWBgDPopHccZnzanle/l4P8RpTbd89G15d68g3w1IAYHrMqoX7FqAzZqwY6Y6xqPyksPJSm2hTyV+2JOTiIydU+UaCvQnhQ93CTa1MXzFwk0xykEUepWTCrz9/UCCtk3eNxMhl18Edlb+Q6//2PKeMckw7crUyNn6MHqUphLBYsLRZSEcT9sKPQlTfiBXZTwi5dDh1WjQMh/2+v1+QIDAQAB';
export const CHROME_EXTENSION_ID = 'lcpddjpjomkcalgeepcnngbpilekcghj';
export const CHROME_EXTENSION_ORIGIN = `chrome-extension://${CHROME_EXTENSION_ID}`;
/** Firefox add-on id (browser_specific_settings.gecko.id); its moz-extension:// origin is per install. */
export const FIREFOX_EXTENSION_ID = 'loupe@loupe.local';
/** Name of the native-messaging host the companion registers for pairing. */
export const NATIVE_HOST_NAME = 'dev.loupe.companion';
