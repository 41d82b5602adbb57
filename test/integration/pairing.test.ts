import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROME_EXTENSION_ORIGIN, FIREFOX_EXTENSION_ID, NATIVE_HOST_NAME } from '@loupe/shared';
import { installNativeHost } from '@loupe/companion/pairing/install-native-host';
import { startDaemon, type RunningDaemon } from '../helpers/daemon';
import { tryHandshake } from '../helpers/ws-client';

/** Speaks the native-messaging stdio protocol to the host like a browser does. */
function callHost(wrapper: string, messages: unknown[], args: string[], env: Record<string, string> = {}): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(wrapper, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', LOUPE_FIREFOX_PROFILES: '', ...env } });
    const replies: unknown[] = [];
    let buf = Buffer.alloc(0);
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32LE(0)) {
        const len = buf.readUInt32LE(0);
        replies.push(JSON.parse(buf.subarray(4, 4 + len).toString('utf8')));
        buf = buf.subarray(4 + len);
      }
      if (replies.length === messages.length) child.stdin.end();
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(replies) : reject(new Error(`native host exited ${code}: ${stderr}`))));
    for (const m of messages) {
      const body = Buffer.from(typeof m === 'string' ? m : JSON.stringify(m));
      const header = Buffer.alloc(4);
      header.writeUInt32LE(body.length);
      child.stdin.write(Buffer.concat([header, body]));
    }
  });
}

let d: RunningDaemon;
let dirs: string;

beforeAll(async () => {
  d = await startDaemon();
  dirs = mkdtempSync(join(tmpdir(), 'loupe-nm-'));
});
afterAll(async () => {
  await d?.stop();
  rmSync(dirs, { recursive: true, force: true });
});

describe('native-messaging pairing host', () => {
  it('registers manifests pinned to the extension ids in the given folders', () => {
    const chromeDir = join(dirs, 'chromium-profile', 'NativeMessagingHosts');
    const firefoxDir = join(dirs, 'mozilla', 'native-messaging-hosts');
    const installed = installNativeHost({ home: d.home, manifestDirs: [chromeDir], firefoxManifestDirs: [firefoxDir], defaults: false });
    expect(installed.manifests).toEqual([join(chromeDir, `${NATIVE_HOST_NAME}.json`), join(firefoxDir, `${NATIVE_HOST_NAME}.json`)]);
    const chrome = JSON.parse(readFileSync(installed.manifests[0]!, 'utf8'));
    expect(chrome).toEqual({ name: NATIVE_HOST_NAME, description: expect.any(String), path: installed.wrapper, type: 'stdio', allowed_origins: [`${CHROME_EXTENSION_ORIGIN}/`] });
    const firefox = JSON.parse(readFileSync(installed.manifests[1]!, 'utf8'));
    expect(firefox.allowed_extensions).toEqual([FIREFOX_EXTENSION_ID]);
    expect(firefox.allowed_origins).toBeUndefined();
    expect(statSync(installed.wrapper).mode & 0o777).toBe(0o700);
  });

  it('hands the token and port of the running daemon to the caller (Chrome round trip)', async () => {
    const { wrapper } = installNativeHost({ home: d.home, defaults: false });
    const [reply] = await callHost(wrapper, [{ type: 'pair' }], [`${CHROME_EXTENSION_ORIGIN}/`]);
    expect(reply).toMatchObject({ ok: true, token: d.token, port: d.port, running: true });
    // The token it handed out opens the WebSocket.
    const ws = await tryHandshake(d.port, { token: (reply as { token: string }).token, origin: CHROME_EXTENSION_ORIGIN });
    expect(ws.kind).toBe('open');
    if (ws.kind === 'open') ws.socket.terminate();
  });

  it('answers malformed requests with an error and keeps going', async () => {
    const { wrapper } = installNativeHost({ home: d.home, defaults: false });
    const replies = await callHost(wrapper, ['not json', { type: 'steal' }, { type: 'pair' }], [`${CHROME_EXTENSION_ORIGIN}/`]);
    expect(replies[0]).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(replies[1]).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(replies[2]).toMatchObject({ ok: true, token: d.token });
  });

  it('admits a Firefox moz-extension origin only after pairing through the host', async () => {
    const origin = 'moz-extension://0b6d2a8e-1f0c-4d3e-9a55-3f1b7c2d9e41';
    const before = await tryHandshake(d.port, { token: d.token, origin });
    expect(before.kind === 'http' ? before.status : before.kind).toBe(403);

    const { wrapper } = installNativeHost({ home: d.home, defaults: false });
    // Chrome can never register a Firefox origin.
    const [fromChrome] = await callHost(wrapper, [{ type: 'pair', origin }], [`${CHROME_EXTENSION_ORIGIN}/`]);
    expect(fromChrome).toMatchObject({ ok: false });
    // The Firefox profile that maps the Loupe add-on id to this install's uuid (as Firefox writes it).
    const profiles = mkdtempSync(join(tmpdir(), 'loupe-ff-profiles-'));
    mkdirSync(join(profiles, 'abc.default-release'));
    const uuids = JSON.stringify({ 'other@addon': '99999999-2222-3333-4444-555555555555', [FIREFOX_EXTENSION_ID]: origin.slice('moz-extension://'.length) });
    writeFileSync(join(profiles, 'abc.default-release', 'prefs.js'), `user_pref("browser.x", true);\nuser_pref("extensions.webextensions.uuids", ${JSON.stringify(uuids)});\n`);
    const firefoxEnv = { LOUPE_FIREFOX_PROFILES: profiles };
    // The caller may register only its own origin: not another add-on's, not a made-up one.
    for (const foreign of ['moz-extension://99999999-2222-3333-4444-555555555555', 'moz-extension://11111111-2222-3333-4444-555555555555']) {
      const [refused] = await callHost(wrapper, [{ type: 'pair', origin: foreign }], ['/path/to/manifest.json', FIREFOX_EXTENSION_ID], firefoxEnv);
      expect(refused, foreign).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not the one this Firefox gave/) } });
    }
    const [reply] = await callHost(wrapper, [{ type: 'pair', origin }], ['/path/to/manifest.json', FIREFOX_EXTENSION_ID], firefoxEnv);
    rmSync(profiles, { recursive: true, force: true });
    expect(reply).toMatchObject({ ok: true, token: d.token, port: d.port });
    expect(JSON.parse(readFileSync(join(d.home, 'allowed-origins.json'), 'utf8')).origins).toEqual([origin]);

    const after = await tryHandshake(d.port, { token: d.token, origin });
    expect(after.kind).toBe('open');
    if (after.kind === 'open') after.socket.terminate();
    // Another Firefox install's origin is still refused.
    const other = await tryHandshake(d.port, { token: d.token, origin: 'moz-extension://11111111-2222-3333-4444-555555555555' });
    expect(other.kind === 'http' ? other.status : other.kind).toBe(403);
  });

  it('reports running:false with the fix when no daemon is up', async () => {
    const home = mkdtempSync(join(tmpdir(), 'loupe-home-'));
    try {
      const { wrapper } = installNativeHost({ home, defaults: false });
      const [reply] = await callHost(wrapper, [{ type: 'pair' }], [`${CHROME_EXTENSION_ORIGIN}/`]);
      expect(reply).toMatchObject({ ok: true, running: false, port: 7391, hint: expect.stringMatching(/`loupe start`/) });
      const token = (reply as { token: string }).token;
      expect(token).toMatch(/^[0-9a-f]{64}$/);
      expect(readFileSync(join(home, 'token'), 'utf8').trim()).toBe(token);
      expect(statSync(join(home, 'token')).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
