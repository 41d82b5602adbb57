import { ProtocolError, type Region } from '@loupe/shared';
import { fitSize, type FitOptions } from './fit';
import { UNTRUSTED_INPUT, inspectImageFull, intakeError, type ImageInfo } from './inspect';
import { sharp } from './sharp';

export interface DecodeOptions extends FitOptions {
  /** Crop in the displayed image's pixels (EXIF orientation applied), before resizing. */
  region?: Region;
}

export interface DecodedImage {
  /** Packed RGB, 8 bits per channel, width × height × 3 bytes, row-major. */
  data: Buffer;
  width: number;
  height: number;
  /** The displayed image's size (EXIF orientation applied). */
  original: { width: number; height: number };
  /** The part of the original that was decoded (the clamped region, or the whole image). */
  crop: Region;
  /** Output pixel → original pixel: x0 = crop.x + x * scaleX, y0 = crop.y + y * scaleY. */
  scaleX: number;
  scaleY: number;
}

/** Clamps a region to the image; a region entirely outside it is an error that says so. */
export function clampRegion(region: Region | undefined, width: number, height: number): Region {
  if (!region) return { x: 0, y: 0, width, height };
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(width, Math.ceil(region.x + region.width));
  const y1 = Math.min(height, Math.ceil(region.y + region.height));
  if (x1 - x0 < 1 || y1 - y0 < 1) {
    throw new ProtocolError(
      'bad_request',
      `region ${region.x},${region.y} ${region.width}×${region.height} lies outside the ${width}×${height} image`,
      'Give the region in the image\'s pixels (x, y from the top-left corner).',
    );
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export interface DecodePlan {
  info: ImageInfo & { hasAlpha: boolean };
  /** The part of the image that will be decoded. */
  crop: Region;
  /** The size it will be decoded to. */
  out: { width: number; height: number };
}

/** Header-only: what decodeToRgb will produce for these bytes and options, or the error it would throw first. */
export async function planDecode(bytes: Uint8Array, options: DecodeOptions): Promise<DecodePlan> {
  const info = await inspectImageFull(bytes);
  const crop = clampRegion(options.region, info.width, info.height);
  return { info, crop, out: fitSize(crop.width, crop.height, options) };
}

/**
 * Decodes untrusted image bytes into packed RGB for an engine, in one libvips pipeline:
 * EXIF orientation, region crop, alpha flattened on white, resize to fit `maxPixels`.
 * Throws ProtocolError (unsupported_image | image_too_large | bad_request).
 */
export async function decodeToRgb(bytes: Uint8Array, options: DecodeOptions, plan?: DecodePlan): Promise<DecodedImage> {
  const { info, crop, out } = plan ?? (await planDecode(bytes, options));
  try {
    let pipeline = sharp(bytes, { ...UNTRUSTED_INPUT, autoOrient: true });
    if (crop.width !== info.width || crop.height !== info.height) {
      pipeline = pipeline.extract({ left: crop.x, top: crop.y, width: crop.width, height: crop.height });
    }
    const resize = out.width !== crop.width || out.height !== crop.height;
    // Worth it up to a ~10× area reduction; beyond that the full-size flatten costs more than it saves.
    const flattenFirst = resize && info.hasAlpha && out.width * out.height * 10 >= crop.width * crop.height;
    if (flattenFirst) {
      // libvips resizes RGBA premultiplied, in four bands, and flattens afterwards (sharp's fixed
      // order). Flattening on white first gives the same pixels (compositing on a constant commutes
      // with the linear filter) in less time; screenshots often carry an opaque alpha.
      const flat = await pipeline.flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha().raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      pipeline = sharp(flat.data, { raw: { width: flat.info.width, height: flat.info.height, channels: 3 } });
    }
    if (resize) {
      // Bicubic, as the Qwen-VL image processor resamples (PIL BICUBIC); cheaper than lanczos3 too.
      pipeline = pipeline.resize(out.width, out.height, { fit: 'fill', kernel: 'cubic' });
    }
    // Packed sRGB already after flattenFirst: no second colour pass.
    if (!flattenFirst) pipeline = pipeline.flatten({ background: '#ffffff' }).toColourspace('srgb').removeAlpha();
    const { data, info: raw } = await pipeline.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    if (raw.channels !== 3 || raw.width !== out.width || raw.height !== out.height) {
      throw new Error(`decoder produced ${raw.width}×${raw.height}×${raw.channels}, expected ${out.width}×${out.height}×3`);
    }
    return {
      data,
      width: out.width,
      height: out.height,
      original: { width: info.width, height: info.height },
      crop,
      scaleX: crop.width / out.width,
      scaleY: crop.height / out.height,
    };
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('decoder produced')) throw error;
    throw intakeError(error, info.format);
  }
}
