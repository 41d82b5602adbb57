import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SystemMemory } from './system-memory';

const dir = mkdtempSync(join(tmpdir(), 'loupe-smi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function settle(m: SystemMemory, pids: number[] = []) {
  m.read(pids);
  await new Promise((r) => setTimeout(r, 300));
  return m.read(pids);
}

describe('SystemMemory', () => {
  it('reads VRAM from nvidia-smi when present', async () => {
    const smi = join(dir, 'nvidia-smi');
    writeFileSync(smi, '#!/bin/sh\necho "1234, 81920"\n');
    chmodSync(smi, 0o755);
    const read = await settle(new SystemMemory(0, smi));
    expect(read).toMatchObject({ vramUsedMb: 1234, vramTotalMb: 81920 });
    expect(read.rssMb).toBeGreaterThan(0);
  });

  it('leaves VRAM out when nvidia-smi is missing, and counts child processes in RSS', async () => {
    const m = new SystemMemory(0, join(dir, 'no-such-nvidia-smi'));
    const alone = await settle(m);
    expect(alone.vramUsedMb).toBeUndefined();
    const withSelf = m.read([process.pid]);
    expect(withSelf.rssMb).toBeGreaterThan(alone.rssMb);
  });
});
