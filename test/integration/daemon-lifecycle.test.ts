import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PORT, LOUPE_VERSION } from '@loupe/shared';
import { startDaemon } from '../helpers/daemon';
import { descendants, isAlive, waitUntil } from '../helpers/proc';

describe('loupe start lifecycle', () => {
  it('announces itself, writes daemon.json, and shuts down cleanly on SIGTERM', async () => {
    const home = mkdtempSync(join(tmpdir(), 'loupe-life-'));
    try {
      const d = await startDaemon({ home });
      const info = JSON.parse(readFileSync(join(home, 'daemon.json'), 'utf8')) as { pid: number; port: number; version: string };
      expect(info).toEqual({ pid: d.pid, port: d.port, version: LOUPE_VERSION });
      expect(d.port).not.toBe(DEFAULT_PORT);
      await waitUntil(() => /Stop with Ctrl\+C/.test(d.logs()), 10_000, 'the console welcome');
      const logs = d.logs();
      expect(logs).toMatch(new RegExp(`"port":${d.port}[^\\n]*"msg":"listening"`));
      expect(logs).toMatch(/extension/i);
      expect(logs).toMatch(/loupe models pull \S+/);
      // The OCR engine runs in its own engine-host process.
      await waitUntil(() => descendants(d.pid).length > 0, 60_000, 'an engine host process');
      const children = descendants(d.pid);

      expect(await d.stop()).toBe(0);
      expect(existsSync(join(home, 'daemon.json'))).toBe(false);
      await waitUntil(() => children.every((pid) => !isAlive(pid)), 15_000, 'engine hosts to exit');
      expect(d.logs()).toMatch(/"msg":"stopped"/);
      // The token survives a restart (it is what the extension paired with).
      expect(readFileSync(join(home, 'token'), 'utf8').trim()).toBe(d.token);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('two companions with --port 0 get different ports; a second one on the same LOUPE_HOME is refused', async () => {
    const a = await startDaemon();
    try {
      const b = await startDaemon();
      try {
        expect(a.port).not.toBe(b.port);
      } finally {
        await b.stop();
      }
      await expect(startDaemon({ home: a.home, timeoutMs: 60_000 })).rejects.toThrow(/already running/);
      // The refused start left the running companion's daemon.json alone.
      expect(JSON.parse(readFileSync(join(a.home, 'daemon.json'), 'utf8')).pid).toBe(a.pid);
    } finally {
      await a.stop();
    }
  });
});
