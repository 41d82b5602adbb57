import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OpenAiRemoteEngine } from './openai-remote-engine';
import { redactUrl } from './secrets';

const dir = mkdtempSync(join(tmpdir(), 'loupe-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('backend secrets', () => {
  it('never shows user:password from --base-url in what the engine reports, and sends it as Basic auth', async () => {
    const seen: Array<string | undefined> = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: [{ id: 'qwen2.5-vl-test', object: 'model' }] }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      const logs: unknown[] = [];
      const log = { info: (o: unknown) => logs.push(o), warn: (o: unknown) => logs.push(o), debug: () => undefined, error: (o: unknown) => logs.push(o) };
      const engine = new OpenAiRemoteEngine({ home: dir, device: 'auto', backend: { kind: 'openai', baseUrl: `http://alice:s3cret-pw@127.0.0.1:${port}/v1` } }, log as never);
      const info = await engine.load();
      expect(JSON.stringify(info)).not.toContain('s3cret-pw');
      expect(JSON.stringify(logs)).not.toContain('s3cret-pw');
      expect(info.note).toContain(`http://127.0.0.1:${port}/v1`);
      expect(seen[0]).toBe(`Basic ${Buffer.from('alice:s3cret-pw').toString('base64')}`);
      const unreachable = new OpenAiRemoteEngine({ home: dir, device: 'auto', backend: { kind: 'openai', baseUrl: 'http://bob:hunter2@127.0.0.1:1/v1' } });
      await expect(unreachable.load()).rejects.toThrow(/http:\/\/127\.0\.0\.1:1\/v1/);
      await expect(unreachable.load()).rejects.not.toThrow(/hunter2/);
    } finally {
      server.close();
    }
  });

  it('redacts any URL with user info', () => {
    expect(redactUrl('https://u:p@host.example/v1')).toBe('https://***@host.example/v1');
    expect(redactUrl('http://127.0.0.1:8000/v1')).toBe('http://127.0.0.1:8000/v1');
  });
});
