import { ProtocolError } from '@loupe/shared';
import { pngChunks } from './png-chunks';
import { UNSUPPORTED_HINT, type ImageFormat } from './sniff';

/**
 * Cheap container checks that catch truncated files before anything is queued (a header-only
 * metadata read cannot see a missing tail). Pixel-level corruption is caught at decode time.
 */
export function checkStructure(format: ImageFormat, bytes: Uint8Array): void {
  const ok = format === 'png' ? pngComplete(bytes) : format === 'jpeg' ? jpegComplete(bytes) : webpComplete(bytes);
  if (!ok) throw new ProtocolError('unsupported_image', `the ${format.toUpperCase()} image is truncated or corrupt`, UNSUPPORTED_HINT);
}

/** IHDR first and IEND inside the buffer. */
function pngComplete(b: Uint8Array): boolean {
  let first = true;
  for (const chunk of pngChunks(b)) {
    if (first && chunk.type !== 'IHDR') return false;
    first = false;
    if (chunk.type === 'IEND') return true;
  }
  return false;
}

/**
 * A complete JPEG has an EOI marker after its first scan. Segments are walked by their lengths up
 * to the first SOS (so an EXIF thumbnail's EOI does not count), then EOI is searched natively: in
 * entropy-coded data 0xFF is always stuffed, so FF D9 there is the real end. Bytes after EOI
 * (phone "motion photo" videos, vendor trailers) are allowed.
 */
function jpegComplete(b: Uint8Array): boolean {
  let at = 2;
  while (at + 4 <= b.byteLength) {
    if (b[at] !== 0xff) return false;
    const marker = b[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9) return false; // EOI before any scan
    const length = (b[at + 2]! << 8) | b[at + 3]!;
    if (length < 2) return false;
    if (marker === 0xda) {
      const scan = at + 2 + length;
      return scan <= b.byteLength && Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(EOI, scan) >= 0;
    }
    at += 2 + length;
  }
  return false;
}

const EOI = Buffer.from([0xff, 0xd9]);

/** RIFF's size field must fit in the buffer. */
function webpComplete(b: Uint8Array): boolean {
  if (b.byteLength < 16) return false;
  const riffSize = (b[4]! | (b[5]! << 8) | (b[6]! << 16) | (b[7]! << 24)) >>> 0;
  return riffSize + 8 <= b.byteLength;
}
