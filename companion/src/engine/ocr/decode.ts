import type { Region } from '@loupe/shared';
import { ProtocolError } from '@loupe/shared';
import { sharp } from '../../intake/sharp';
import type { Rgb } from './raster';
import { sniffImage } from '../../intake/sniff';

export interface DecodedRegion {
  rgb: Rgb;
  /** Where the region's top-left sits in the original image's pixels. */
  left: number;
  top: number;
}

/**
 * Decodes image bytes into RGB (EXIF orientation applied, alpha flattened on white)
 * and crops the region, keeping its offset so boxes map back to the original image.
 */
export async function decodeRegion(bytes: Uint8Array, region?: Region): Promise<DecodedRegion> {
  sniffImage(bytes);
  let pipeline = sharp(bytes, { limitInputPixels: 100_000_000, failOn: 'error' }).rotate().flatten({ background: '#ffffff' });
  let meta: { width: number; height: number };
  try {
    const m = await sharp(bytes, { limitInputPixels: 100_000_000 }).metadata();
    const swap = (m.orientation ?? 1) >= 5;
    meta = { width: (swap ? m.height : m.width) ?? 0, height: (swap ? m.width : m.height) ?? 0 };
  } catch (err) {
    throw new ProtocolError('unsupported_image', `the image could not be decoded (${(err as Error).message})`, 'Send a complete PNG, JPEG or WebP image.');
  }
  let left = 0;
  let top = 0;
  if (region) {
    if (region.x >= meta.width || region.y >= meta.height) {
      throw new ProtocolError('bad_request', `region starts outside the ${meta.width}×${meta.height} image`, 'Pick a region inside the image.');
    }
    left = region.x;
    top = region.y;
    const width = Math.min(region.width, meta.width - left);
    const height = Math.min(region.height, meta.height - top);
    pipeline = pipeline.extract({ left, top, width, height });
  }
  try {
    const { data, info } = await pipeline.removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return { rgb: { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height }, left, top };
  } catch (err) {
    throw new ProtocolError('unsupported_image', `the image could not be decoded (${(err as Error).message})`, 'Send a complete PNG, JPEG or WebP image.');
  }
}
