#!/usr/bin/env node
// Loupe native-messaging host. Dependency-free on purpose: the browser launches it for the
// pinned Loupe extension only (allowed_origins / allowed_extensions in its manifest), and it
// hands that extension the companion's token and port. It never listens on any socket.
//
// Wire format (both directions): u32 little-endian byte length, then UTF-8 JSON.
// Request: {"type":"pair","origin"?:"moz-extension://<uuid>"} → {"ok":true,"token","port","running","version"}
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

const MAX_INPUT = 1024 * 1024;
const DEFAULT_PORT = Number(process.env.LOUPE_DEFAULT_PORT || 7391);
const home = process.env.LOUPE_HOME;
const MOZ_ORIGIN = /^moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// Chrome passes the caller's origin as the first argument; Firefox passes the manifest path and the add-on id.
const callerIsChrome = process.argv.slice(2).some((a) => a.startsWith('chrome-extension://'));
const firefoxAddonId = callerIsChrome ? undefined : process.argv[3];

/** Folders that hold Firefox profiles (LOUPE_FIREFOX_PROFILES overrides, ':'-separated, for tests). */
function profileRoots() {
  if (process.env.LOUPE_FIREFOX_PROFILES !== undefined) return process.env.LOUPE_FIREFOX_PROFILES.split(':').filter(Boolean);
  const h = homedir();
  return [
    join(h, '.mozilla', 'firefox'),
    join(h, 'snap', 'firefox', 'common', '.mozilla', 'firefox'),
    join(h, '.var', 'app', 'org.mozilla.firefox', '.mozilla', 'firefox'),
    join(h, 'Library', 'Application Support', 'Firefox', 'Profiles'),
    ...(process.env.APPDATA ? [join(process.env.APPDATA, 'Mozilla', 'Firefox', 'Profiles')] : []),
  ];
}

/**
 * The moz-extension origins Firefox assigned to this add-on id, read from every profile's
 * prefs.js (extensions.webextensions.uuids): the only origins the caller may register.
 */
function ownOrigins(addonId) {
  const out = new Set();
  for (const root of profileRoots()) {
    let profiles = [];
    try {
      profiles = readdirSync(root);
    } catch {
      continue;
    }
    for (const profile of profiles) {
      let prefs;
      try {
        prefs = readFileSync(join(root, profile, 'prefs.js'), 'utf8');
      } catch {
        continue;
      }
      const m = /user_pref\("extensions\.webextensions\.uuids",\s*("(?:[^"\\]|\\.)*")\);/.exec(prefs);
      if (!m) continue;
      try {
        const uuid = JSON.parse(JSON.parse(m[1]))[addonId];
        if (typeof uuid === 'string') out.add(`moz-extension://${uuid}`);
      } catch {
        /* a half-written prefs.js: skip it */
      }
    }
  }
  return out;
}

function send(message) {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  const header = Buffer.alloc(4);
  header.writeUInt32LE(body.length, 0);
  process.stdout.write(Buffer.concat([header, body]));
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

function writeAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function token() {
  const path = join(home, 'token');
  try {
    const t = readFileSync(path, 'utf8').trim();
    if (/^[A-Za-z0-9._~-]{16,256}$/.test(t)) return t;
  } catch {
    /* first run: create it the way the daemon would */
  }
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const t = randomBytes(32).toString('hex');
  writeAtomic(path, `${t}\n`);
  return t;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

function allowOrigin(origin) {
  const path = join(home, 'allowed-origins.json');
  const current = readJson(path);
  const origins = new Set(Array.isArray(current?.origins) ? current.origins.filter((o) => typeof o === 'string' && MOZ_ORIGIN.test(o)) : []);
  if (origins.has(origin)) return;
  origins.add(origin);
  writeAtomic(path, JSON.stringify({ origins: [...origins] }, null, 2) + '\n');
}

function handle(request) {
  if (!home) return { ok: false, error: { code: 'internal', message: 'LOUPE_HOME is not set for the native host', hint: 'Run `loupe pair` again.' } };
  if (typeof request !== 'object' || request === null || request.type !== 'pair') {
    return { ok: false, error: { code: 'bad_request', message: 'unknown request', hint: 'Send {"type":"pair"}.' } };
  }
  if (request.origin !== undefined) {
    if (typeof request.origin !== 'string' || !MOZ_ORIGIN.test(request.origin) || callerIsChrome) {
      return { ok: false, error: { code: 'bad_request', message: 'origin must be this Firefox extension\'s moz-extension:// origin', hint: 'Send browser.runtime.getURL("") without the trailing slash.' } };
    }
    // Only the caller's own origin: Firefox tells the host the add-on id, its profile maps that id to the uuid.
    if (!firefoxAddonId || !ownOrigins(firefoxAddonId).has(request.origin)) {
      return { ok: false, error: { code: 'bad_request', message: 'that origin is not the one this Firefox gave the Loupe extension', hint: `Pair by hand with \`loupe pair --origin ${request.origin}\` if your Firefox profile is in an unusual place.` } };
    }
    allowOrigin(request.origin);
  }
  const daemon = readJson(join(home, 'daemon.json'));
  const running = typeof daemon?.pid === 'number' && typeof daemon?.port === 'number' && alive(daemon.pid);
  const config = readJson(join(home, 'config.json'));
  const port = running ? daemon.port : Number.isInteger(config?.port) && config.port > 0 ? config.port : DEFAULT_PORT;
  return {
    ok: true,
    token: token(),
    port,
    running,
    ...(running && typeof daemon.version === 'string' ? { version: daemon.version } : {}),
    ...(running ? {} : { hint: 'The Loupe companion is not running: start it with `loupe start` (it restores the last port and model).' }),
  };
}

let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  while (buffer.length >= 4) {
    const length = buffer.readUInt32LE(0);
    if (length > MAX_INPUT) {
      send({ ok: false, error: { code: 'bad_request', message: 'message too large' } });
      process.exit(1);
    }
    if (buffer.length < 4 + length) return;
    const body = buffer.subarray(4, 4 + length);
    buffer = buffer.subarray(4 + length);
    let request;
    try {
      request = JSON.parse(body.toString('utf8'));
    } catch {
      send({ ok: false, error: { code: 'bad_request', message: 'message is not JSON' } });
      continue;
    }
    try {
      send(handle(request));
    } catch (e) {
      send({ ok: false, error: { code: 'internal', message: `pairing failed: ${e?.code ?? 'error'}`, hint: 'Check that LOUPE_HOME is writable.' } });
    }
  }
});
process.stdin.on('end', () => process.exit(0));
