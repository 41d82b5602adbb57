import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32, deflateRawSync } from 'node:zlib';
import { extractEntry, listZip } from './unzip';

const dir = mkdtempSync(join(tmpdir(), 'loupe-unzip-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A one-entry zip whose central directory may lie about the entry's size or CRC. */
function oneEntryZip(name: string, data: Buffer, lie: { size?: number; crc?: number } = {}): Buffer {
  const compressed = deflateRawSync(data);
  const nameBuf = Buffer.from(name);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(8, 8);
  local.writeUInt16LE(nameBuf.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE((lie.crc ?? crc32(data)) >>> 0, 16);
  central.writeUInt32LE(compressed.length, 20);
  central.writeUInt32LE(lie.size ?? data.length, 24);
  central.writeUInt16LE(nameBuf.length, 28);
  const cdOffset = 30 + nameBuf.length + compressed.length;
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(1, 8);
  eocd.writeUInt16LE(1, 10);
  eocd.writeUInt32LE(46 + nameBuf.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  return Buffer.concat([local, nameBuf, compressed, central, nameBuf, eocd]);
}

describe('extractEntry', () => {
  it('never writes more than the declared size of a zip bomb entry', async () => {
    const path = join(dir, 'bomb.zip');
    writeFileSync(path, oneEntryZip('lib.so', Buffer.alloc(96 * 1024 * 1024), { size: 4096 }));
    const [entry] = await listZip(path);
    const dest = join(dir, 'lib.so');
    let largest = 0;
    const poll = setInterval(() => {
      try {
        largest = Math.max(largest, statSync(dest).size);
      } catch {
        /* not created yet */
      }
    }, 1);
    const result = await extractEntry(path, entry!, dest).then(() => 'ok', (e: Error) => e.message);
    clearInterval(poll);
    largest = Math.max(largest, statSync(dest).size);
    expect(result).toMatch(/inflates to more than the 4096 bytes its archive lists.*extraction stopped/);
    expect(largest).toBeLessThanOrEqual(4096);
  });

  it('refuses an entry whose CRC-32 does not match', async () => {
    const path = join(dir, 'crc.zip');
    writeFileSync(path, oneEntryZip('lib.so', Buffer.from('provider bytes'), { crc: 1234 }));
    const [entry] = await listZip(path);
    await expect(extractEntry(path, entry!, join(dir, 'crc.so'))).rejects.toThrow(/failed its check.*CRC mismatch.*corrupt/);
  });
});
