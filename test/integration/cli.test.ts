import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REPO_ROOT, startDaemon, type RunningDaemon } from '../helpers/daemon';
import { loupe } from '../helpers/cli';
import { textPng } from '../helpers/images';
import { tryHandshake } from '../helpers/ws-client';

/**
 * A zip entry's local (30-byte) or central (46-byte) header: the central one has "version made by"
 * first, so its shared fields sit 2 bytes later.
 */
function entryHeader(kind: 'local' | 'central', data: Buffer, compressed: Buffer, name: Buffer): Buffer {
  const shift = kind === 'central' ? 2 : 0;
  const h = Buffer.alloc(kind === 'central' ? 46 : 30);
  h.writeUInt32LE(kind === 'central' ? 0x02014b50 : 0x04034b50, 0);
  if (shift) h.writeUInt16LE(20, 4);
  h.writeUInt16LE(20, 4 + shift); // version needed
  h.writeUInt16LE(8, 8 + shift); // deflate
  h.writeUInt32LE(crc32(data) >>> 0, 14 + shift);
  h.writeUInt32LE(compressed.length, 18 + shift);
  h.writeUInt32LE(data.length, 22 + shift);
  h.writeUInt16LE(name.length, 26 + shift);
  return h;
}

/** A minimal zip (deflated entries) standing in for the NuGet package. */
function zip(files: Record<string, Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const compressed = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const central = entryHeader('central', data, compressed, nameBuf);
    central.writeUInt32LE(offset, 42);
    locals.push(entryHeader('local', data, compressed, nameBuf), nameBuf, compressed);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + compressed.length;
  }
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(Object.keys(files).length, 8);
  eocd.writeUInt16LE(Object.keys(files).length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, eocd]);
}

let work: string;
let png: string;
let folder: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'loupe-cli-'));
  png = join(work, 'words.png');
  writeFileSync(png, await textPng('Loupe reads 42 words', 200));
  folder = join(work, 'batch');
  mkdirSync(folder);
  writeFileSync(join(folder, 'a.png'), await textPng('Alpha test page', 200));
  writeFileSync(join(folder, 'b.png'), await textPng('Second test page', 200));
  writeFileSync(join(folder, 'notes.txt'), 'not an image');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const words = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

describe('loupe ocr/describe without a daemon (in-process)', () => {
  it('ocr --json prints {text, lines:[{text,box,score}], blocks, no_text, ms, engine}', async () => {
    const home = join(work, 'home-inproc');
    const r = await loupe(['ocr', png, '--json'], { LOUPE_HOME: home });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { text: string; lines: Array<{ text: string; box: number[]; score: number }>; ms: number; engine: string };
    expect(Object.keys(out).sort()).toEqual(['blocks', 'engine', 'lines', 'ms', 'no_text', 'text']);
    expect(out.engine).toBe('ppocr');
    expect(words(out.text)).toContain('reads 42');
    expect(out.lines[0]?.box).toHaveLength(4);
  });

  it('describe without a VLM fails with one line naming the fix', async () => {
    const r = await loupe(['describe', png, '--json'], { LOUPE_HOME: join(work, 'home-inproc') });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('loupe describe:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/models pull/);
  });

  it('usage errors are one line with exit code 2', async () => {
    for (const args of [['ocr'], ['ocr', join(work, 'missing.png')], ['ocr', png, '--bogus'], ['ask', png], ['ocr', png, '--locale', 'fr'], ['frobnicate']]) {
      const r = await loupe(args, { LOUPE_HOME: join(work, 'home-inproc') });
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});

describe('loupe CLI against a running daemon', () => {
  let d: RunningDaemon;
  beforeAll(async () => {
    d = await startDaemon({ token: null });
  });
  afterAll(async () => {
    await d?.stop();
  });

  it('ocr --json goes through the daemon (WS + token) with the same shape', async () => {
    const before = (d.logs().match(/"msg":"submit"/g) ?? []).length;
    const r = await loupe(['ocr', png, '--json'], { LOUPE_HOME: d.home });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { text: string; engine: string; lines: unknown[] };
    expect(out.engine).toBe('ppocr');
    expect(words(out.text)).toContain('42');
    expect((d.logs().match(/"msg":"submit"/g) ?? []).length).toBe(before + 1);
  });

  it('a folder runs as a batch: one JSON line per image, non-images skipped', async () => {
    const r = await loupe(['ocr', folder, '--json'], { LOUPE_HOME: d.home });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { file: string; text: string });
    expect(lines.map((l) => l.file)).toEqual([join(folder, 'a.png'), join(folder, 'b.png')]);
    expect(words(lines[0]!.text)).toContain('alpha');
    expect(words(lines[1]!.text)).toContain('second');
  });

  it('folder mode: --recursive, --out one file per image, progress with ETA, BMP reported, --resume skips what is done', async () => {
    const tree = join(work, 'tree');
    mkdirSync(join(tree, 'sub'), { recursive: true });
    writeFileSync(join(tree, 'a.png'), await textPng('Alpha test page', 200));
    writeFileSync(join(tree, 'sub', 'b.png'), await textPng('Second test page', 200));
    writeFileSync(join(tree, 'old.bmp'), Buffer.from('BM'));
    writeFileSync(join(tree, 'readme.txt'), 'not an image');
    const out = join(work, 'tree-out');
    const first = await loupe(['ocr', tree, '--recursive', '--out', out, '--json'], { LOUPE_HOME: d.home });
    expect(first.code, 'a BMP in the folder is a failure').toBe(1);
    const a = JSON.parse(readFileSync(join(out, 'a.png.json'), 'utf8')) as { text: string; lines: unknown[] };
    expect(words(a.text)).toContain('alpha');
    expect(words((JSON.parse(readFileSync(join(out, 'sub', 'b.png.json'), 'utf8')) as { text: string }).text)).toContain('second');
    expect(first.stderr).toMatch(/1\/2 a\.png ok \(ETA \d+s\)/);
    expect(first.stderr).toMatch(/2 done, 1 failed/);
    expect(first.stderr).toMatch(/old\.bmp: BMP images are not supported — convert it to PNG or JPEG/);
    expect(first.stdout).toBe('');

    const stamp = statSync(join(out, 'a.png.json')).mtimeMs;
    rmSync(join(out, 'sub', 'b.png.json'));
    const again = await loupe(['ocr', tree, '-r', '--out', out, '--json', '--resume'], { LOUPE_HOME: d.home });
    expect(again.stderr).toMatch(/1 done, 1 already done \(--resume\), 1 failed/);
    expect(statSync(join(out, 'a.png.json')).mtimeMs).toBe(stamp);
    expect(statSync(join(out, 'sub', 'b.png.json')).size).toBeGreaterThan(0);

    const text = await loupe(['ocr', tree, '--out', out], { LOUPE_HOME: d.home });
    expect(words(readFileSync(join(out, 'a.png.txt'), 'utf8'))).toContain('alpha');
    expect(text.stderr, 'without --recursive the subfolder is not read').toMatch(/1 done, 1 failed/);
    const jsonl = await loupe(['ocr', tree, '--jsonl', '-r'], { LOUPE_HOME: d.home });
    expect(jsonl.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { file: string }).file)).toEqual([join(tree, 'a.png'), join(tree, 'sub', 'b.png')]);
    expect((await loupe(['ocr', tree, '--resume'], { LOUPE_HOME: d.home })).stderr).toMatch(/--resume needs --out DIR/);
  });

  it('token prints the daemon token; --rotate takes effect without a restart', async () => {
    const shown = await loupe(['token'], { LOUPE_HOME: d.home, LOUPE_TOKEN: undefined });
    expect(shown.stdout.trim()).toBe(d.token);
    const rotated = await loupe(['token', '--rotate'], { LOUPE_HOME: d.home, LOUPE_TOKEN: undefined });
    const fresh = rotated.stdout.trim();
    expect(fresh).toMatch(/^[0-9a-f]{64}$/);
    expect(fresh).not.toBe(d.token);
    expect(statSync(join(d.home, 'token')).mode & 0o777).toBe(0o600);
    const old = await fetch(`${d.url}/v1/status`, { headers: { authorization: `Bearer ${d.token}` } });
    expect(old.status).toBe(401);
    const ok = await fetch(`${d.url}/v1/status`, { headers: { authorization: `Bearer ${fresh}` } });
    expect(ok.status).toBe(200);
    const ws = await tryHandshake(d.port, { token: fresh });
    expect(ws.kind).toBe('open');
    if (ws.kind === 'open') ws.socket.terminate();
  });

  it('a second start on a busy port fails with one line naming the fix', async () => {
    const r = await loupe(['start', '--port', String(d.port)], { LOUPE_HOME: join(work, 'home-second') });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/port \d+ is in use.*--port/);
  });

  it('doctor --json reports checks with fixes and sees the running companion', async () => {
    const r = await loupe(['doctor', '--json', '--port', String(d.port)], { LOUPE_HOME: d.home });
    const out = JSON.parse(r.stdout) as { ok: boolean; checks: Array<{ name: string; level: string; detail: string; fix?: string }> };
    expect(out.checks.find((c) => c.name === 'node')?.level).toBe('ok');
    expect(out.checks.find((c) => c.name === 'port')?.detail).toMatch(/companion running/);
    expect(out.checks.find((c) => c.name === 'cuda-ep')).toBeDefined();
    for (const c of out.checks.filter((c) => c.level === 'fail' || c.level === 'warn')) expect(c.fix, c.name).toBeTruthy();
  });
});

describe('loupe pair', () => {
  it('registers the host in the given profile folder and admits a Firefox origin by hand', async () => {
    const home = join(work, 'home-pair');
    const profile = join(work, 'profile', 'NativeMessagingHosts');
    const origin = 'moz-extension://0b6d2a8e-1f0c-4d3e-9a55-3f1b7c2d9e41';
    const r = await loupe(['pair', '--manifest-dir', profile, '--origin', origin], { LOUPE_HOME: home });
    expect(r.code, r.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(profile, 'dev.loupe.companion.json'), 'utf8')) as { path: string; allowed_origins: string[] };
    expect(manifest.path).toBe(join(home, 'native-host', 'loupe-native-host'));
    expect(manifest.allowed_origins).toEqual(['chrome-extension://lcpddjpjomkcalgeepcnngbpilekcghj/']);
    expect(JSON.parse(readFileSync(join(home, 'allowed-origins.json'), 'utf8')).origins).toEqual([origin]);
    const bad = await loupe(['pair', '--origin', 'https://evil.test'], { LOUPE_HOME: home });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/moz-extension/);
  });
});

describe('loupe gpu-setup', () => {
  it('--dry-run prints the NuGet package of the same version as onnxruntime-node', async () => {
    const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', '.pnpm', 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')) as { version: string }).version;
    const r = await loupe(['gpu-setup', '--dry-run'], { LOUPE_HOME: join(work, 'home-gpu') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`microsoft.ml.onnxruntime.gpu.linux/${version}/microsoft.ml.onnxruntime.gpu.linux.${version}.nupkg`);
    expect(r.stdout).toContain('libonnxruntime_providers_cuda.so');
  });

  it('extracts the CUDA EP libraries from a package given with --from', async () => {
    const cuda = Buffer.from('fake cuda provider '.repeat(1000));
    const shared = Buffer.from('fake shared provider');
    const nupkg = join(work, 'fake.nupkg');
    writeFileSync(nupkg, zip({ 'runtimes/linux-x64/native/libonnxruntime_providers_cuda.so': cuda, 'runtimes/linux-x64/native/libonnxruntime_providers_shared.so': shared, 'README.md': Buffer.from('x') }));
    const target = join(work, 'ort-bin');
    const r = await loupe(['gpu-setup', '--from', nupkg, '--target', target], { LOUPE_HOME: join(work, 'home-gpu') });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(target, 'libonnxruntime_providers_cuda.so')).equals(cuda)).toBe(true);
    expect(readFileSync(join(target, 'libonnxruntime_providers_shared.so')).equals(shared)).toBe(true);
  });

  it('checks the package against the size and SHA-512 nuget.org publishes before extracting', async () => {
    const nupkg = join(work, 'published.nupkg');
    writeFileSync(nupkg, zip({ 'runtimes/linux-x64/native/libonnxruntime_providers_cuda.so': Buffer.from('cuda'), 'runtimes/linux-x64/native/libonnxruntime_providers_shared.so': Buffer.from('shared') }));
    const real = { size: statSync(nupkg).size, sha512: createHash('sha512').update(readFileSync(nupkg)).digest('base64') };
    let published = { ...real, sha512: createHash('sha512').update('another package').digest('base64') };
    const nuget = createServer((req, res) => {
      const base = `http://127.0.0.1:${(nuget.address() as AddressInfo).port}`;
      res.setHeader('content-type', 'application/json');
      if (req.url?.startsWith('/v3/registration5-semver1/')) return res.end(JSON.stringify({ catalogEntry: `${base}/catalog/entry.json` }));
      if (req.url === '/catalog/entry.json') return res.end(JSON.stringify({ packageHashAlgorithm: 'SHA512', packageHash: published.sha512, packageSize: published.size }));
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((r) => nuget.listen(0, '127.0.0.1', r));
    const env = { LOUPE_HOME: join(work, 'home-gpu'), LOUPE_NUGET_URL: `http://127.0.0.1:${(nuget.address() as AddressInfo).port}` };
    try {
      const target = join(work, 'ort-bin-hash');
      const bad = await loupe(['gpu-setup', '--from', nupkg, '--target', target], env);
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/does not match the SHA-512 nuget.org publishes/);
      expect(() => statSync(join(target, 'libonnxruntime_providers_cuda.so'))).toThrow();
      published = real;
      const good = await loupe(['gpu-setup', '--from', nupkg, '--target', target], env);
      expect(good.code, good.stderr).toBe(0);
      expect(good.stdout).toContain("verified");
    } finally {
      nuget.close();
    }
  });

  it('names the fix when the package lacks the libraries or cannot be read', async () => {
    const bad = join(work, 'bad.nupkg');
    writeFileSync(bad, zip({ 'README.md': Buffer.from('x') }));
    const r = await loupe(['gpu-setup', '--from', bad, '--target', join(work, 'ort-bin-2')], { LOUPE_HOME: join(work, 'home-gpu') });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has no runtimes\/linux-x64\/native\/libonnxruntime_providers_cuda\.so/);
    writeFileSync(bad, 'not a zip');
    const r2 = await loupe(['gpu-setup', '--from', bad, '--target', join(work, 'ort-bin-2')], { LOUPE_HOME: join(work, 'home-gpu') });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/not a zip/);
  });
});
