import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSubmitFrame } from '@loupe/shared';
import { startDaemon } from '../helpers/daemon';
import { grayPng, textPng } from '../helpers/images';
import { standInModel } from '../helpers/standin';
import { LoupeClient } from '../helpers/ws-client';

/**
 * Threat table row "leaking screenshots/prompts": a canary string rides in image metadata,
 * in image pixels (read back by OCR), in prompts and in malformed requests. It may reach the
 * client that sent it as an answer, but never the daemon's logs, temp files or error bodies.
 */
type Daemon = Awaited<ReturnType<typeof startDaemon>>;
let d: Daemon;
let model: Awaited<ReturnType<typeof standInModel>>;
let tmp: string;
const CANARY = `CANARY${randomBytes(6).toString('hex').toUpperCase()}`;
/** Error texts the daemon sent back (WS error replies and HTTP error bodies). */
const errorBodies: string[] = [];

beforeAll(async () => {
  model = await standInModel();
  tmp = mkdtempSync(join(tmpdir(), 'loupe-leak-tmp-'));
  d = await startDaemon({ args: ['--model', model.dir], env: { TMPDIR: tmp, TMP: tmp, TEMP: tmp, LOUPE_LOG_LEVEL: 'trace' } });
}, 300_000);
afterAll(async () => {
  await d?.stop();
  model?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function filesUnder(dir: string, depth: number, out: string[] = []): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory() && depth > 0) filesUnder(p, depth - 1, out);
    else if (e.isFile()) out.push(p);
  }
  return out;
}

const auth = () => ({ Authorization: `Bearer ${d.token}` });

describe('canary in images and prompts', () => {
  it('drives the canary through every path a payload takes', async ({ annotate }) => {
    const client = await LoupeClient.connect(d.port, { token: d.token });
    const metaPng = grayPng(64, 32, { text: { Comment: CANARY, Title: `${CANARY} title` } });
    const pixelsPng = await textPng(`invoice ${CANARY} total`, 200);
    const jobs: Array<[string, Record<string, unknown>, Uint8Array[]]> = [
      ['ocr-meta', { task: 'ocr' }, [metaPng]],
      ['ocr-pixels', { task: 'ocr' }, [pixelsPng]],
      ['describe', { task: 'describe', prompt: `describe ${CANARY}` }, [metaPng]],
      ['ask', { task: 'ask', prompt: `what is ${CANARY}?`, conversationId: 'conv1' }, [pixelsPng]],
      ['code', { task: 'code', prompt: CANARY }, [pixelsPng]],
      ['ground', { task: 'ground', prompt: `find ${CANARY}` }, [metaPng]],
      // A corrupt image whose bytes hold the canary.
      ['corrupt', { task: 'ocr' }, [Buffer.concat([metaPng.subarray(0, 40), Buffer.from(CANARY.repeat(20))])]],
      ['not-image', { task: 'describe', prompt: CANARY }, [Buffer.from(`<svg>${CANARY}</svg>`)]],
    ];
    for (const [id, job, images] of jobs) client.submit({ id, ...(job as { task: 'ocr' }) }, images);
    // A follow-up in the same conversation, prompt only.
    const terminals = [];
    for (const [id] of jobs) terminals.push(await client.terminal(id, 180_000));
    client.send({ type: 'submit', id: 'follow', task: 'ask', prompt: `and ${CANARY}?`, conversationId: 'conv1' });
    terminals.push(await client.terminal('follow', 180_000));
    // Malformed messages carrying the canary in every field a parser might echo.
    const malformed = [
      `{"type":"submit","id":"m1","task":"${CANARY}"}`,
      `{"type":"submit","id":"m2","task":"ask","locale":"${CANARY}"}`,
      `{"type":"submit","id":"${CANARY}.x","task":"ask"}`,
      `{"type":"${CANARY}"}`,
      `{"type":"submit","id":"m3","task":"ask","${CANARY}":1}`,
      `not json ${CANARY}`,
      `{"type":"hello","protocols":[99],"client":{"name":"${CANARY}","version":"1"}}`,
    ];
    for (const m of malformed) client.send(m);
    client.socket.send(encodeSubmitFrame({ type: 'submit', id: 'm4', task: 'ask', prompt: CANARY.repeat(5000) }, [metaPng]));
    client.socket.send(Buffer.from(`\0\0\0\x20{"type":"submit","task":"${CANARY}"}`));
    await client.waitFor((m) => m.type === 'error' && m.id === 'm4', 30_000).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
    for (const m of client.messages) if (m.type === 'error') errorBodies.push(JSON.stringify(m));
    // The OCR answer to the client may legitimately contain what the image shows.
    const ocr = terminals[1]!;
    await annotate(`ocr-pixels answered: ${ocr.type === 'done' ? JSON.stringify(ocr.text) : ocr.type}; VLM jobs: ${terminals.slice(2, 6).map((t) => t.type + (t.type === 'error' ? `(${t.code})` : '')).join(', ')}`);
    expect(terminals.filter((t) => t.type === 'done').length).toBeGreaterThanOrEqual(2);
    client.close();

    // HTTP: the same payloads through multipart and the OpenAI endpoint, good and broken.
    for (const [path, image] of [['/v1/ocr', pixelsPng], ['/v1/describe', metaPng], ['/v1/describe', Buffer.from(CANARY)], ['/describe-image/', metaPng]] as const) {
      const form = new FormData();
      form.append('image', new Blob([image], { type: 'image/png' }), `${CANARY}.png`);
      form.append('prompt', `tell me ${CANARY}`);
      const res = await fetch(`${d.url}${path}`, { method: 'POST', body: form, headers: auth() });
      const body = await res.text();
      if (res.status >= 400) errorBodies.push(body);
    }
    const dataUri = `data:image/png;base64,${Buffer.from(metaPng).toString('base64')}`;
    for (const content of [
      [{ type: 'text', text: `hi ${CANARY}` }, { type: 'image_url', image_url: { url: dataUri } }],
      [{ type: 'text', text: CANARY }, { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(CANARY).toString('base64')}` } }],
      [{ type: 'image_url', image_url: { url: `https://${CANARY}.test/a.png` } }],
      [{ type: CANARY }],
    ]) {
      const res = await fetch(`${d.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...auth(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ model: 'loupe', max_tokens: 8, messages: [{ role: 'user', content }] }),
      });
      const body = await res.text();
      if (res.status >= 400) errorBodies.push(body);
    }
    const badJson = await fetch(`${d.url}/v1/chat/completions`, { method: 'POST', headers: { ...auth(), 'Content-Type': 'application/json' }, body: `{"messages": ${CANARY}` });
    errorBodies.push(await badJson.text());
    expect(errorBodies.length).toBeGreaterThan(8);
  });

  it('the canary is in no error body', () => {
    for (const body of errorBodies) expect(body).not.toContain(CANARY);
    // Error bodies name no file-system paths either.
    for (const body of errorBodies) expect(body).not.toMatch(/\/(tmp|home|work|root|usr)\//);
  });

  it('the canary is in no log line and no file the daemon wrote', async ({ annotate }) => {
    const logs = d.logs();
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).not.toContain(CANARY);
    expect(logs).not.toContain(d.token);
    const files = [...filesUnder(d.home, 6), ...filesUnder(tmp, 6)];
    // The daemon and its engine hosts run with TMPDIR pointing at `tmp` (os.tmpdir() follows it).
    let scanned = 0;
    for (const f of files) {
      let st;
      try {
        st = statSync(f);
      } catch {
        continue;
      }
      if (st.size > 256 * 1024 * 1024 || f.startsWith(model.dir)) continue;
      const bytes = readFileSync(f);
      scanned++;
      expect(bytes.includes(CANARY), f).toBe(false);
      expect(bytes.includes(Buffer.from(CANARY, 'utf16le')), f).toBe(false);
    }
    await annotate(`leak scan: ${logs.split('\n').length} log lines, ${scanned} files under LOUPE_HOME and the daemon's TMPDIR`);
  });
});
