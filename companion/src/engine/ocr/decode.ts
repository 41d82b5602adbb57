import type { Region } from '@loupe/shared';
import { decodeToRgb } from '../../intake';
import type { Rgb } from './raster';

/** OCR reads at native resolution; only beyond this (e.g. a 1280 × 30000 page) is the image scaled down. */
const OCR_MAX_PIXELS = 40_000_000;

export interface DecodedRegion {
  rgb: Rgb;
  /** Maps a point of `rgb` to the original image's pixels. */
  toOriginal(x: number, y: number): [number, number];
}

/**
 * Decodes image bytes with the companion's intake (sniffing, pixel limits, EXIF orientation,
 * alpha flattened on white, region crop) and keeps the mapping back to original pixels.
 */
export async function decodeRegion(bytes: Uint8Array, region?: Region): Promise<DecodedRegion> {
  const img = await decodeToRgb(bytes, { maxPixels: OCR_MAX_PIXELS, ...(region ? { region } : {}) });
  return {
    rgb: { data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength), width: img.width, height: img.height },
    toOriginal: (x, y) => [img.crop.x + x * img.scaleX, img.crop.y + y * img.scaleY],
  };
}
