import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID } from '@loupe/shared';
import { EXTENSION_DIR as E2E_CHROME_DIR, SHIPPED_EXTENSION_DIR as EXTENSION_DIR } from './support/extension-browser';

/** `pnpm build` (run by the e2e script before this) writes both browser builds; check what each browser needs. */
const FIREFOX_DIR = join(EXTENSION_DIR, '..', 'firefox-mv3');
const E2E_FIREFOX_DIR = join(EXTENSION_DIR, '..', 'firefox-mv3-e2e');

/** The build's scripts that contain `needle`. */
function scriptsContaining(dir: string, needle: string): string[] {
  return (readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).filter((f) => f.endsWith('.js') && readFileSync(join(dir, f), 'utf8').includes(needle));
}

type Manifest = Record<string, unknown> & {
  key?: string;
  permissions?: string[];
  background?: { service_worker?: string; scripts?: string[] };
  content_scripts?: Array<{ js: string[] }>;
  sandbox?: { pages: string[] };
  content_security_policy?: { extension_pages?: string; sandbox?: string };
};

const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));

/** Chrome's id for an unpacked extension with a `key`: sha256 of the DER key, first 32 hex digits mapped 0–f → a–p. */
const chromeIdOf = (key: string) =>
  [...createHash('sha256').update(Buffer.from(key, 'base64')).digest('hex').slice(0, 32)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');

/** Every file the manifest points at is in the build. */
function referencedFiles(m: Manifest): string[] {
  const pages = [m.options_ui, m.side_panel, m.sidebar_action].map((p) => {
    const entry = p as { page?: string; default_path?: string; default_panel?: string } | undefined;
    return entry?.page ?? entry?.default_path ?? entry?.default_panel;
  });
  return [
    ...(m.background?.scripts ?? []),
    ...(m.background?.service_worker ? [m.background.service_worker] : []),
    ...(m.content_scripts ?? []).flatMap((c) => c.js),
    ...(m.sandbox?.pages ?? []),
    ...pages.filter((p): p is string => !!p),
  ];
}

function localeKeys(dir: string, locale: string): string[] {
  return Object.keys(JSON.parse(readFileSync(join(dir, '_locales', locale, 'messages.json'), 'utf8'))).sort();
}

describe('pnpm build', () => {
  it('Chrome: the manifest key pins the id the companion allows; side panel, sandboxed preview, Chrome ≥ 116', () => {
    const m = manifestOf(EXTENSION_DIR);
    expect(m.manifest_version).toBe(3);
    expect(chromeIdOf(m.key!)).toBe(CHROME_EXTENSION_ID);
    expect(m.minimum_chrome_version).toBe('116');
    expect(m.permissions).toEqual(expect.arrayContaining(['sidePanel', 'nativeMessaging', 'contextMenus']));
    expect(m.sandbox?.pages).toEqual(['preview.html']);
    expect(m.content_security_policy?.sandbox).toContain("default-src 'none'");
    for (const file of referencedFiles(m)) expect(existsSync(join(EXTENSION_DIR, file)), file).toBe(true);
  });

  it('Firefox: the gecko id the pairing host allows, a sidebar instead of the side panel, background scripts', () => {
    const m = manifestOf(FIREFOX_DIR);
    expect(m.manifest_version).toBe(3);
    expect((m.browser_specific_settings as { gecko: { id: string } }).gecko.id).toBe(FIREFOX_EXTENSION_ID);
    expect(m.key).toBeUndefined();
    expect(m.permissions).not.toContain('sidePanel');
    expect(m.sidebar_action).toMatchObject({ default_panel: 'sidepanel.html' });
    expect(m.background?.scripts?.length).toBeGreaterThan(0);
    for (const file of referencedFiles(m)) expect(existsSync(join(FIREFOX_DIR, file)), file).toBe(true);
    // The preview runs in an opaque-origin frame: a classic script (module scripts are CORS-fetched), and its own CSP.
    const preview = readFileSync(join(FIREFOX_DIR, 'preview.html'), 'utf8');
    expect(preview).not.toContain('type="module"');
    expect(preview).toMatch(/<script defer src="[^"]+\.js"><\/script>/);
    expect(preview).toMatch(/http-equiv="Content-Security-Policy" content="default-src 'none'/);
  });

  it('both builds carry every UI string in English and Simplified Chinese', () => {
    for (const dir of [EXTENSION_DIR, FIREFOX_DIR]) {
      const en = localeKeys(dir, 'en');
      expect(en.length).toBeGreaterThan(50);
      expect(localeKeys(dir, 'zh_CN')).toEqual(en);
    }
  });

  it('the shipped builds carry no test hook; the e2e builds (`npm run build:e2e`) do, in the background only', () => {
    for (const dir of [EXTENSION_DIR, FIREFOX_DIR]) expect(scriptsContaining(dir, '__loupe'), dir).toEqual([]);
    for (const dir of [E2E_CHROME_DIR, E2E_FIREFOX_DIR]) expect(scriptsContaining(dir, '__loupe'), dir).toEqual(['background.js']);
  });
});
