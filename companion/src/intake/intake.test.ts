import { deflateSync } from 'node:zlib';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '@loupe/shared';
import { decodeToRgb, fitSize, inspectImage, sharp, sniffImage } from './index';

const RED = { r: 255, g: 0, b: 0 };
const BLUE = { r: 0, g: 0, b: 255 };

async function solid(width: number, height: number, background: object, channels: 3 | 4 = 3) {
  return sharp({ create: { width, height, channels, background } });
}

/** 40×20: left half red, right half blue. */
async function halves(): Promise<Buffer> {
  const left = await (await solid(20, 20, RED)).png().toBuffer();
  return (await solid(40, 20, BLUE)).composite([{ input: left, left: 0, top: 0 }]).png().toBuffer();
}

function pixel(img: { data: Buffer; width: number }, x: number, y: number): number[] {
  const i = (y * img.width + x) * 3;
  return [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
}

async function rejection(p: Promise<unknown> | (() => unknown)): Promise<ProtocolError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return e as ProtocolError;
  }
  throw new Error('expected a rejection');
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A real, valid 20000×20000 1-bit PNG: ~50 KB of file, 400 megapixels decoded. */
function pngBomb(side = 20000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr[8] = 1; // bit depth
  ihdr[9] = 0; // greyscale
  const row = Math.ceil(side / 8) + 1;
  const idat = deflateSync(Buffer.alloc(row * side), { level: 9 });
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

describe('sniffImage', () => {
  it('accepts PNG, JPEG and WebP by their magic bytes', async () => {
    const img = await solid(8, 8, RED);
    expect(sniffImage(await img.clone().png().toBuffer())).toBe('png');
    expect(sniffImage(await img.clone().jpeg().toBuffer())).toBe('jpeg');
    expect(sniffImage(await img.clone().webp().toBuffer())).toBe('webp');
  });

  it('refuses GIF, SVG, TIFF, random and empty bytes with unsupported_image and a hint', async () => {
    const img = await solid(8, 8, RED);
    const cases: Array<[Uint8Array, RegExp]> = [
      [await img.clone().gif().toBuffer(), /GIF/],
      [await img.clone().tiff().toBuffer(), /TIFF/],
      [Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'), /SVG/],
      [Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'), /SVG/],
      [Uint8Array.from({ length: 64 }, (_, i) => (i * 97 + 13) & 0xff), /not a PNG, JPEG or WebP/],
      [new Uint8Array(0), /empty/],
    ];
    for (const [bytes, message] of cases) {
      const err = await rejection(() => sniffImage(bytes));
      expect(err.code).toBe('unsupported_image');
      expect(err.message).toMatch(message);
      expect(err.hint).toMatch(/PNG, JPEG or WebP/);
    }
  });
});

describe('inspectImage', () => {
  it('reports format and size from the header', async () => {
    const webp = await (await solid(33, 17, BLUE)).webp().toBuffer();
    await expect(inspectImage(webp)).resolves.toEqual({ format: 'webp', width: 33, height: 17 });
  });

  it('reports the displayed size of an EXIF-rotated JPEG', async () => {
    const jpeg = await sharp(await halves()).jpeg().withExif({ IFD0: {} }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    await expect(inspectImage(jpeg)).resolves.toEqual({ format: 'jpeg', width: 20, height: 40 });
  });

  it('refuses a 20000×20000 PNG bomb from its header, without decoding it', async () => {
    const bomb = pngBomb();
    expect(bomb.byteLength).toBeLessThan(200_000);
    const err = await rejection(inspectImage(bomb));
    expect(err.code).toBe('image_too_large');
    expect(err.message).toMatch(/20000×20000 pixels, more than the \d+-pixel limit/);
    const viaDecode = await rejection(decodeToRgb(bomb, { maxPixels: 1_000_000 }));
    expect(viaDecode.code).toBe('image_too_large');
  });

  it('refuses a truncated PNG, JPEG and WebP', async () => {
    const img = await sharp({ create: { width: 64, height: 64, channels: 3, background: 'gray', noise: { type: 'gaussian', mean: 128, sigma: 40 } } });
    for (const bytes of [await img.clone().png().toBuffer(), await img.clone().jpeg().toBuffer(), await img.clone().webp().toBuffer()]) {
      const err = await rejection(inspectImage(bytes.subarray(0, Math.floor(bytes.length * 0.6))));
      expect(err.code).toBe('unsupported_image');
      expect(err.message).toMatch(/truncated|corrupt/);
    }
  });

  it('accepts a JPEG with bytes after its end (phone motion photos) and an EXIF thumbnail', async () => {
    const thumb = await (await solid(16, 16, BLUE)).jpeg().toBuffer();
    expect(thumb.includes(Buffer.from([0xff, 0xd9]))).toBe(true);
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: 'gray', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg().withExif({ IFD0: { ImageDescription: 'x' } }).toBuffer();
    const trailer = Buffer.alloc(200_000, 0x42);
    await expect(inspectImage(Buffer.concat([photo, trailer]))).resolves.toMatchObject({ format: 'jpeg', width: 64, height: 48 });
    await expect(decodeToRgb(Buffer.concat([photo, trailer]), { maxPixels: 10_000 })).resolves.toMatchObject({ width: 64, height: 48 });
    // Cut inside the scan: no EOI after the SOS, even though the header is intact.
    const err = await rejection(inspectImage(photo.subarray(0, photo.length - 40)));
    expect(err.code).toBe('unsupported_image');
  });

  it('refuses GIF and SVG even when handed straight to inspect', async () => {
    const gif = await (await solid(8, 8, RED)).gif().toBuffer();
    expect((await rejection(inspectImage(gif))).code).toBe('unsupported_image');
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');
    expect((await rejection(inspectImage(svg))).code).toBe('unsupported_image');
  });

  it('only the PNG/JPEG/WebP buffer loaders are reachable through the configured sharp', async () => {
    const tiff = await (await solid(8, 8, RED)).tiff().toBuffer();
    await expect(sharp(tiff).metadata()).rejects.toThrow();
    const gif = await (await solid(8, 8, RED)).gif().toBuffer();
    await expect(sharp(gif).raw().toBuffer()).rejects.toThrow();
  });
});

describe('decodeToRgb', () => {
  it('applies EXIF orientation before cropping and returns packed RGB', async () => {
    // Orientation 6 = rotate 90° clockwise to display: the red left half ends up on top.
    const jpeg = await sharp(await halves()).jpeg({ quality: 95 }).withMetadata({ orientation: 6 }).toBuffer();
    const img = await decodeToRgb(jpeg, { maxPixels: 1_000_000 });
    expect([img.width, img.height]).toEqual([20, 40]);
    expect(img.data.length).toBe(20 * 40 * 3);
    const top = pixel(img, 10, 5);
    const bottom = pixel(img, 10, 35);
    expect(top[0]).toBeGreaterThan(200);
    expect(top[2]).toBeLessThan(50);
    expect(bottom[2]).toBeGreaterThan(200);
    expect(bottom[0]).toBeLessThan(50);

    const region = await decodeToRgb(jpeg, { maxPixels: 1_000_000, region: { x: 0, y: 22, width: 20, height: 18 } });
    expect([region.width, region.height]).toEqual([20, 18]);
    expect(region.crop).toEqual({ x: 0, y: 22, width: 20, height: 18 });
    for (const [x, y] of [[0, 0], [19, 17], [10, 9]] as const) expect(pixel(region, x, y)[2]).toBeGreaterThan(200);
  });

  it('flattens transparency on white', async () => {
    const png = await (await solid(10, 10, { r: 0, g: 0, b: 0, alpha: 0 }, 4)).png().toBuffer();
    const img = await decodeToRgb(png, { maxPixels: 1000 });
    expect(img.data.length).toBe(300);
    expect([...img.data].every((v) => v === 255)).toBe(true);
  });

  it('resizes an image with alpha to the same pixels as its flattened-on-white copy (8 and 16 bit, small and large reductions)', async () => {
    // Left: half-transparent black; middle: transparent; right: opaque red.
    const left = await (await solid(60, 100, { r: 0, g: 0, b: 0, alpha: 0.5 }, 4)).png().toBuffer();
    const right = await (await solid(100, 100, RED)).png().toBuffer();
    const base = await (await solid(200, 100, { r: 0, g: 0, b: 0, alpha: 0 }, 4)).composite([{ input: left, left: 0, top: 0 }, { input: right, left: 100, top: 0 }]).png().toBuffer();
    const rgba16 = await sharp(base).toColourspace('rgb16').png().toBuffer();
    const flat = await sharp(base).flatten({ background: '#ffffff' }).png().toBuffer();
    expect((await sharp(flat).metadata()).channels).toBe(3);
    for (const maxPixels of [5000, 1000]) {
      const want = await decodeToRgb(flat, { maxPixels });
      for (const input of [base, rgba16]) {
        const got = await decodeToRgb(input, { maxPixels });
        expect([got.width, got.height]).toEqual([want.width, want.height]);
        let worst = 0;
        for (let i = 0; i < want.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i]! - want.data[i]!));
        expect(worst).toBeLessThanOrEqual(2);
      }
      expect(pixel(want, 2, 2)[0]).toBeGreaterThan(100);
      expect(pixel(want, 2, 2)[0]).toBeLessThan(160);
    }
  });

  it('returns three channels for a greyscale image', async () => {
    const png = await (await solid(6, 5, { r: 90, g: 90, b: 90 })).toColourspace('b-w').png().toBuffer();
    expect((await sharp(png).metadata()).channels).toBe(1);
    const img = await decodeToRgb(png, { maxPixels: 1000 });
    expect(img.data.length).toBe(6 * 5 * 3);
    expect(pixel(img, 3, 3)).toEqual([90, 90, 90]);
  });

  it('returns 8-bit RGB for a 16-bit PNG with alpha and for a CMYK JPEG', async () => {
    const png16 = await (await solid(7, 3, { r: 255, g: 0, b: 0, alpha: 1 }, 4)).toColourspace('rgb16').png().toBuffer();
    const meta = await sharp(png16).metadata();
    expect([meta.depth, meta.channels]).toEqual(['ushort', 4]);
    const a = await decodeToRgb(png16, { maxPixels: 1000 });
    expect(a.data.length).toBe(7 * 3 * 3);
    expect(pixel(a, 1, 1)).toEqual([255, 0, 0]);
    const cmyk = await (await solid(8, 8, RED)).toColourspace('cmyk').jpeg().toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const b = await decodeToRgb(cmyk, { maxPixels: 1000 });
    expect(b.data.length).toBe(8 * 8 * 3);
    expect(pixel(b, 4, 4)[0]).toBeGreaterThan(180);
  });

  it('downscales to fit maxPixels and maps output pixels back to the original', async () => {
    // 1000×500 white with a red 100×100 square at (600, 200).
    const square = await (await solid(100, 100, RED)).png().toBuffer();
    const png = await (await solid(1000, 500, { r: 255, g: 255, b: 255 })).composite([{ input: square, left: 600, top: 200 }]).png().toBuffer();
    const img = await decodeToRgb(png, { maxPixels: 50_000 });
    expect(img.width * img.height).toBeLessThanOrEqual(50_000);
    expect(img.width / img.height).toBeCloseTo(2, 1);
    // Find the red square's bounding box in the output and map it back.
    let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
    for (let y = 0; y < img.height; y++) for (let x = 0; x < img.width; x++) {
      const [r, g] = pixel(img, x, y);
      if (r! > 200 && g! < 60) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
    }
    expect(Math.abs(img.crop.x + x0 * img.scaleX - 600)).toBeLessThan(8);
    expect(Math.abs(img.crop.y + y0 * img.scaleY - 200)).toBeLessThan(8);
    expect(Math.abs(img.crop.x + (x1 + 1) * img.scaleX - 700)).toBeLessThan(8);
    expect(Math.abs(img.crop.y + (y1 + 1) * img.scaleY - 300)).toBeLessThan(8);
  });

  it('rounds both sides to multiples like smart_resize and maps a region crop back', async () => {
    const png = await (await solid(1000, 700, BLUE)).png().toBuffer();
    const img = await decodeToRgb(png, { maxPixels: 200_000, multipleOf: 28, minPixels: 56 * 56, region: { x: 100, y: 50, width: 900, height: 700 } });
    expect(img.crop).toEqual({ x: 100, y: 50, width: 900, height: 650 });
    expect(img.width % 28).toBe(0);
    expect(img.height % 28).toBe(0);
    expect(img.width * img.height).toBeLessThanOrEqual(200_000);
    expect(img.scaleX).toBeCloseTo(900 / img.width, 6);
    expect(img.scaleY).toBeCloseTo(650 / img.height, 6);
  });

  it('refuses a region outside the image with a clear error', async () => {
    const png = await (await solid(50, 50, RED)).png().toBuffer();
    const err = await rejection(decodeToRgb(png, { maxPixels: 10_000, region: { x: 60, y: 0, width: 10, height: 10 } }));
    expect(err.code).toBe('bad_request');
    expect(err.message).toMatch(/outside the 50×50 image/);
  });

  it('fails on corrupt pixel data whose container looks whole', async () => {
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: 'gray', noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).png().toBuffer();
    // Scribble over the middle of the IDAT stream, keeping every chunk length intact.
    const broken = Buffer.from(png);
    const idat = broken.indexOf('IDAT');
    for (let i = idat + 20; i < idat + 220; i++) broken[i] = 0xa5;
    await expect(inspectImage(broken)).resolves.toMatchObject({ format: 'png' });
    const err = await rejection(decodeToRgb(broken, { maxPixels: 10_000 }));
    expect(err.code).toBe('unsupported_image');
  });
});

describe('fitSize', () => {
  it('matches Qwen smart_resize on known cases', () => {
    // Values from transformers' Qwen2-VL smart_resize(h, w, factor=28, min=56*56, max=14*14*4*1280).
    const max = 14 * 14 * 4 * 1280;
    expect(fitSize(1280, 720, { maxPixels: max, multipleOf: 28, minPixels: 3136 })).toEqual({ width: 1288, height: 728 });
    expect(fitSize(1920, 1080, { maxPixels: max, multipleOf: 28, minPixels: 3136 })).toEqual({ width: 1316, height: 728 });
    expect(fitSize(3840, 2160, { maxPixels: max, multipleOf: 28, minPixels: 3136 })).toEqual({ width: 1316, height: 728 });
    expect(fitSize(20, 10, { maxPixels: max, multipleOf: 28, minPixels: 3136 })).toEqual({ width: 84, height: 56 });
  });

  it('refuses strips more elongated than 200:1 when rounding to blocks', () => {
    expect(() => fitSize(10_000, 20, { maxPixels: 1e6, multipleOf: 28 })).toThrow(/elongated/);
  });

  it('leaves images that fit alone and never exceeds maxPixels', () => {
    expect(fitSize(640, 480, { maxPixels: 1e6 })).toEqual({ width: 640, height: 480 });
    for (const [w, h] of [[4000, 3000], [1, 5000], [777, 333]] as const) {
      const out = fitSize(w, h, { maxPixels: 10_000 });
      expect(out.width * out.height).toBeLessThanOrEqual(10_000);
    }
  });
});
