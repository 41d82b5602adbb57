import type { SentImage } from '../jobs/conversation';
import { fitToBudget, type Rect } from './crop-math';

/** The three formats the companion accepts, by magic bytes (never by Content-Type). */
export function sniffImageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | 'image/webp' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if (
    bytes.length >= 12 &&
    String.fromCharCode(bytes[0]!, bytes[1]!, bytes[2]!, bytes[3]!) === 'RIFF' &&
    String.fromCharCode(bytes[8]!, bytes[9]!, bytes[10]!, bytes[11]!) === 'WEBP'
  )
    return 'image/webp';
  return null;
}

export function bytesToDataUrl(bytes: Uint8Array, type: string): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return `data:${type};base64,${btoa(binary)}`;
}

export function dataUrlToBytes(dataUrl: string): Uint8Array {
  const comma = dataUrl.indexOf(',');
  if (!dataUrl.startsWith('data:') || comma < 0) throw new Error('not a data URL');
  const meta = dataUrl.slice(5, comma);
  const payload = dataUrl.slice(comma + 1);
  if (meta.endsWith(';base64')) {
    const bin = atob(payload);
    const out = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  return new TextEncoder().encode(decodeURIComponent(payload));
}

export interface Prepared {
  bytes: Uint8Array;
  image: SentImage;
}

/**
 * Makes image bytes the companion accepts: PNG/JPEG/WebP within the pixel budget are sent
 * as they are (the image's own bytes); anything else (GIF, AVIF, SVG rendered by the
 * browser, oversized) is decoded by the browser and re-encoded as PNG, downscaled to fit.
 */
export async function prepareImage(bytes: Uint8Array, maxPixels: number, origin: SentImage['origin']): Promise<Prepared> {
  const type = sniffImageType(bytes);
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
  try {
    const size = { width: bitmap.width, height: bitmap.height };
    const fit = fitToBudget(size, maxPixels);
    const resized = fit.width !== size.width || fit.height !== size.height;
    if (type && !resized) {
      return { bytes, image: { dataUrl: bytesToDataUrl(bytes, type), width: size.width, height: size.height, bytes: bytes.byteLength, origin } };
    }
    return asPng(await encodePng(bitmap, { x: 0, y: 0, ...size }, fit), fit, size, origin);
  } finally {
    bitmap.close();
  }
}

/** Crops a capture at device pixels (OffscreenCanvas), then fits the budget. */
export async function cropCapture(captureDataUrl: string, crop: Rect | null, maxPixels: number, origin: SentImage['origin']): Promise<Prepared> {
  const bitmap = await createImageBitmap(new Blob([dataUrlToBytes(captureDataUrl) as BlobPart]));
  try {
    const region = crop ?? { x: 0, y: 0, width: bitmap.width, height: bitmap.height };
    const fit = fitToBudget(region, maxPixels);
    return asPng(await encodePng(bitmap, region, fit), fit, region, origin);
  } finally {
    bitmap.close();
  }
}

/** A crop of a capture as a JPEG within `maxPixels` (a video frame taken from the screen). */
export async function cropToJpeg(captureDataUrl: string, crop: Rect, maxPixels: number): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  const bitmap = await createImageBitmap(new Blob([dataUrlToBytes(captureDataUrl) as BlobPart]));
  try {
    const fit = fitToBudget(crop, maxPixels);
    const canvas = new OffscreenCanvas(fit.width, fit.height);
    const ctx = canvas.getContext('2d')!;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, crop.x, crop.y, crop.width, crop.height, 0, 0, fit.width, fit.height);
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
    return { bytes: new Uint8Array(await blob.arrayBuffer()), ...fit };
  } finally {
    bitmap.close();
  }
}

/** A small JPEG for the history list. */
export async function thumbnail(dataUrl: string, maxSide = 240): Promise<string | undefined> {
  try {
    const bitmap = await createImageBitmap(new Blob([dataUrlToBytes(dataUrl) as BlobPart]));
    const scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
    const w = Math.max(1, Math.round(bitmap.width * scale));
    const h = Math.max(1, Math.round(bitmap.height * scale));
    const canvas = new OffscreenCanvas(w, h);
    const ctx = canvas.getContext('2d')!;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, w, h);
    ctx.drawImage(bitmap, 0, 0, w, h);
    bitmap.close();
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.7 });
    return bytesToDataUrl(new Uint8Array(await blob.arrayBuffer()), 'image/jpeg');
  } catch {
    return undefined;
  }
}

async function encodePng(bitmap: ImageBitmap, src: Rect, to: { width: number; height: number }): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(to.width, to.height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('OffscreenCanvas 2d context unavailable');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, src.x, src.y, src.width, src.height, 0, 0, to.width, to.height);
  const blob = await canvas.convertToBlob({ type: 'image/png' });
  return new Uint8Array(await blob.arrayBuffer());
}

/** A PNG made from `source` at the `fit` size, with the original size when it was downscaled. */
function asPng(png: Uint8Array, fit: { width: number; height: number }, source: { width: number; height: number }, origin: SentImage['origin']): Prepared {
  const downscaled = fit.width !== source.width || fit.height !== source.height;
  return {
    bytes: png,
    image: {
      dataUrl: bytesToDataUrl(png, 'image/png'),
      width: fit.width,
      height: fit.height,
      bytes: png.byteLength,
      origin,
      ...(downscaled ? { originalWidth: source.width, originalHeight: source.height } : {}),
    },
  };
}
