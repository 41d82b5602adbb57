import { defineConfig } from 'wxt';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROME_EXTENSION_KEY, FIREFOX_EXTENSION_ID } from '@loupe/shared';
import { manifestCommands } from './lib/actions';

// The Chrome `key` pins the extension id that the companion's Origin allowlist and
// native-messaging host manifest name; Firefox is pinned by its gecko id.
/**
 * The preview's own policy: Chrome's manifest sandbox CSP, and Firefox's meta tag (Firefox has no
 * manifest sandbox CSP), so both browsers run it under the same rules: no inline script.
 */
const PREVIEW_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; form-action 'none'; base-uri 'none'";

/**
 * Firefox runs the preview in an `<iframe sandbox>` (an opaque origin), which may not fetch the
 * extension's module scripts (CORS) but may load a classic script: so there the preview's one
 * self-contained chunk loads as a deferred classic script, under the sandbox's own CSP.
 */
function firefoxPreviewPage(outDir: string): void {
  const path = join(outDir, 'preview.html');
  const html = readFileSync(path, 'utf8');
  const script = /<script type="module" crossorigin src="([^"]+)"><\/script>/.exec(html);
  if (!script || /modulepreload/.test(html) || /\bimport\b[^(]*from\s*["']/.test(readFileSync(join(outDir, script[1]!), 'utf8'))) {
    throw new Error('preview.html: expected one self-contained module script, to load as a classic script in Firefox');
  }
  const classic = html
    .replace(script[0], `<script defer src="${script[1]}"></script>`)
    .replace(/<meta charset="utf-8"\s*\/?>/, (m) => `${m}\n    <meta http-equiv="Content-Security-Policy" content="${PREVIEW_CSP}">`);
  writeFileSync(path, classic);
}

/** Set by `pnpm build:e2e` (scripts/build-e2e.mjs): the same build plus the test hooks, in `<browser>-mv3-e2e`. */
const TEST_HOOKS = process.env.LOUPE_TEST_HOOKS === '1';

export default defineConfig({
  ...(TEST_HOOKS ? { outDirTemplate: '{{browser}}-mv{{manifestVersion}}-e2e' } : {}),
  vite: () => ({ define: { 'import.meta.env.LOUPE_TEST_HOOKS': JSON.stringify(TEST_HOOKS) } }),
  modules: ['@wxt-dev/module-svelte', '@wxt-dev/webextension-polyfill'],
  hooks: {
    'build:done': (wxt) => {
      if (wxt.config.browser === 'firefox') firefoxPreviewPage(wxt.config.outDir);
    },
  },
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    icons: { 16: 'icons/16.png', 48: 'icons/48.png', 128: 'icons/128.png' },
    permissions: [
      'contextMenus',
      'storage',
      'unlimitedStorage',
      'activeTab',
      'scripting',
      'nativeMessaging',
      'clipboardWrite',
      ...(browser === 'firefox' ? [] : ['sidePanel']),
    ],
    host_permissions: ['http://127.0.0.1/*', 'ws://127.0.0.1/*', 'http://localhost/*', 'ws://localhost/*', '<all_urls>'],
    // One entry per action with a shortcut (lib/actions).
    commands: manifestCommands(),
    action: { default_title: '__MSG_extName__' },
    content_security_policy: {
      // Model output is rendered here: no remote images or media (a tracking / exfiltration channel).
      extension_pages: "script-src 'self'; object-src 'self'; img-src 'self' data: blob:; media-src 'self' data: blob:",
      // The preview runs generated HTML: no network, no extension APIs (sandboxed origin), and no
      // inline script — only the bundled preview code and Tailwind ('self') run there.
      // Firefox has no sandboxed pages; there the panel's iframe sandbox gives it an opaque origin.
      ...(browser === 'firefox'
        ? {}
        : {
            sandbox: `sandbox allow-scripts; ${PREVIEW_CSP}`,
          }),
    },
    ...(browser === 'firefox'
      ? { browser_specific_settings: { gecko: { id: FIREFOX_EXTENSION_ID, strict_min_version: '128.0', data_collection_permissions: { required: ['none'] } } } }
      : { key: CHROME_EXTENSION_KEY, minimum_chrome_version: '116' }),
  }),
});
