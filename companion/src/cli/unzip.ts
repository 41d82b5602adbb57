import { createReadStream, createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32, createInflateRaw } from 'node:zlib';

/**
 * Just enough ZIP reading to take a few files out of a NuGet package (.nupkg is a zip)
 * without a dependency: central directory lookup, stored or deflated entries, streamed.
 */
export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localHeaderOffset: number;
}

export async function listZip(path: string): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const tailSize = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailSize);
    await fh.read(tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tailSize - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${path} is not a zip/nupkg file (no end of central directory)`);
    const count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) throw new Error(`${path} is a ZIP64 archive, which this installer does not read`);
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error(`${path}: corrupt central directory`);
      const method = cd.readUInt16LE(p + 10);
      const crc = cd.readUInt32LE(p + 16);
      const compressedSize = cd.readUInt32LE(p + 20);
      const uncompressed = cd.readUInt32LE(p + 24);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const localHeaderOffset = cd.readUInt32LE(p + 42);
      const name = cd.toString('utf8', p + 46, p + 46 + nameLen);
      entries.push({ name, method, compressedSize, size: uncompressed, crc, localHeaderOffset });
      p += 46 + nameLen + extraLen + commentLen;
    }
    return entries;
  } finally {
    await fh.close();
  }
}

/**
 * Streams one entry to `dest` (stored or deflated). Never writes more than the entry's declared
 * size (a zip bomb stops there), and checks the size and CRC-32 the archive lists for it.
 */
export async function extractEntry(path: string, entry: ZipEntry, dest: string): Promise<void> {
  const fh = await open(path, 'r');
  let dataStart: number;
  try {
    const local = Buffer.alloc(30);
    await fh.read(local, 0, 30, entry.localHeaderOffset);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${path}: corrupt local header for ${entry.name}`);
    dataStart = entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
  } finally {
    await fh.close();
  }
  if (entry.compressedSize === 0) {
    await pipeline(async function* () {}, createWriteStream(dest, { mode: 0o755 }));
    return;
  }
  if (entry.method !== 0 && entry.method !== 8) throw new Error(`${entry.name} uses zip method ${entry.method}, which this installer does not read`);
  let written = 0;
  let crc = 0;
  const bounded = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      written += chunk.length;
      if (written > entry.size) return cb(new Error(`${entry.name} inflates to more than the ${entry.size} bytes its archive lists (a corrupt package or a zip bomb); extraction stopped — delete ${path} and download it again`));
      crc = crc32(chunk, crc);
      cb(null, chunk);
    },
  });
  const source = createReadStream(path, { start: dataStart, end: dataStart + entry.compressedSize - 1 });
  const out = createWriteStream(dest, { mode: 0o755 });
  if (entry.method === 0) await pipeline(source, bounded, out);
  else await pipeline(source, createInflateRaw(), bounded, out);
  if (written !== entry.size || crc >>> 0 !== entry.crc >>> 0) {
    throw new Error(`${entry.name} failed its check (${written} of ${entry.size} bytes, CRC ${written === entry.size ? 'mismatch' : 'not checked'}): the package is corrupt — delete ${path} and download it again`);
  }
}
