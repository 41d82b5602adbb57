import sharp from 'sharp';
import { crc32, deflateSync } from 'node:zlib';

/**
 * Test images built from raw pixels or text (never through a libvips loader, so these helpers
 * keep working in a process where the companion has blocked the loaders).
 */

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.byteLength, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A grayscale 8-bit PNG written by hand; `text` adds tEXt chunks (metadata a leak test can look for). */
export function grayPng(width: number, height: number, options: { text?: Record<string, string>; value?: number } = {}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const row = Buffer.alloc(1 + width, options.value ?? 200);
  row[0] = 0; // filter: none
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  const texts = Object.entries(options.text ?? {}).map(([k, v]) => chunk('tEXt', Buffer.from(`${k}\0${v}`, 'latin1')));
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), ...texts, chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]);
}

/**
 * A decompression bomb: a flat 1-bit width×height PNG. 20000×20000 is 400 Mpx (~50 MB of
 * filtered rows) in a file of tens of KB; intake must refuse it from the header.
 */
export function bombPng(width = 20_000, height = 20_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 1;
  ihdr[9] = 0;
  const rowBytes = 1 + Math.ceil(width / 8);
  const raw = Buffer.alloc(rowBytes * height, 0);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

/** A noisy RGB image of the given size in the given format (noise defeats trivial compression). */
export async function noiseImage(width: number, height: number, format: 'png' | 'jpeg' | 'webp', seed = 1): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < raw.length; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    raw[i] = (i % 3 === 0 ? (i / 3) % width : s) & 0xff;
  }
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  return format === 'png' ? img.png({ compressionLevel: 1 }).toBuffer() : format === 'jpeg' ? img.jpeg({ quality: 85 }).toBuffer() : img.webp({ quality: 80 }).toBuffer();
}

/** Black text on white, as a PNG: something an OCR engine can read. */
export async function textPng(text: string, dpi = 150): Promise<Buffer> {
  return sharp({ text: { text, font: 'sans', dpi } })
    .extend({ top: 16, bottom: 16, left: 16, right: 16, background: { r: 0, g: 0, b: 0, alpha: 0 } })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
}

/** Bytes of formats intake must refuse (each a real, valid file of its format). */
export async function hostileFormats(): Promise<Record<string, Buffer>> {
  const base = () => sharp({ create: { width: 8, height: 8, channels: 3, background: '#808080' } });
  const vipsHeader = Buffer.alloc(64);
  vipsHeader.writeUInt32BE(0x08f2a6b6, 0); // libvips native format magic (big-endian)
  return {
    gif: await base().gif().toBuffer(),
    tiff: await base().tiff().toBuffer(),
    svg: Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>'),
    svgBare: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="99999" height="99999"><image href="file:///etc/passwd"/></svg>'),
    vips: vipsHeader,
    bmp: Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]),
    pdf: Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'),
    // A PNG signature followed by a TIFF body: must not reach a TIFF loader.
    pngThenTiff: Buffer.concat([PNG_SIGNATURE, await base().tiff().toBuffer()]),
  };
}
