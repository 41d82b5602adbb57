import { MAX_IMAGE_BYTES, MAX_INPUT_PIXELS, ProtocolError } from '@loupe/shared';
import { readPngHeader } from './png-header';
import { sharp } from './sharp';
import { UNSUPPORTED_HINT, sniffImage, type ImageFormat } from './sniff';
import { checkStructure } from './structure';

export interface ImageInfo {
  format: ImageFormat;
  /** Size as displayed: EXIF orientation applied. Regions and boxes use these pixels. */
  width: number;
  height: number;
}

const TOO_LARGE_HINT = 'Send a smaller image, or select a region of it.';

/** Options every sharp call on untrusted bytes uses. */
export const UNTRUSTED_INPUT = { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'error' } as const;

/**
 * Maps a sharp/libvips failure to the error the user sees. Pixel-limit errors mean "too big";
 * anything else on untrusted bytes means the file is corrupt or not what it claims.
 */
export function intakeError(error: unknown, format?: ImageFormat): ProtocolError {
  if (error instanceof ProtocolError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/pixel limit/i.test(message)) {
    return new ProtocolError('image_too_large', `the image has more than ${MAX_INPUT_PIXELS} pixels`, TOO_LARGE_HINT);
  }
  const what = format ? `the ${format.toUpperCase()} image is corrupt or truncated` : 'the image is corrupt or truncated';
  return new ProtocolError('unsupported_image', what, UNSUPPORTED_HINT);
}

export function checkPixels(width: number, height: number): void {
  if (width * height > MAX_INPUT_PIXELS) {
    throw new ProtocolError('image_too_large', `the image is ${width}×${height} pixels, more than the ${MAX_INPUT_PIXELS}-pixel limit`, TOO_LARGE_HINT);
  }
}

/**
 * Intake for untrusted image bytes: magic-byte sniff, size and structure checks, and a
 * header-only read of the dimensions. Nothing is decoded, so a decompression bomb is
 * refused from its header. Throws ProtocolError (unsupported_image | image_too_large).
 */
export async function inspectImage(bytes: Uint8Array): Promise<ImageInfo> {
  const { hasAlpha: _, ...info } = await inspectImageFull(bytes);
  return info;
}

/** inspectImage plus whether the file has an alpha channel (decodeToRgb flattens it before resizing). */
export async function inspectImageFull(bytes: Uint8Array): Promise<ImageInfo & { hasAlpha: boolean }> {
  if (bytes.byteLength > MAX_IMAGE_BYTES) {
    throw new ProtocolError('image_too_large', `the image file is ${bytes.byteLength} bytes, over the ${MAX_IMAGE_BYTES}-byte limit`, TOO_LARGE_HINT);
  }
  const format = sniffImage(bytes);
  checkStructure(format, bytes);
  const png = format === 'png' ? readPngHeader(bytes) : undefined;
  if (png) {
    checkPixels(png.width, png.height);
    return { format, ...png };
  }
  let meta;
  try {
    meta = await sharp(bytes, UNTRUSTED_INPUT).metadata();
  } catch (error) {
    throw intakeError(error, format);
  }
  if (meta.format !== format) {
    throw new ProtocolError('unsupported_image', `the file looks like ${format.toUpperCase()} but decodes as ${meta.format}`, UNSUPPORTED_HINT);
  }
  checkPixels(meta.width, meta.height);
  const { width, height } = meta.autoOrient ?? meta;
  if (!width || !height) throw new ProtocolError('unsupported_image', 'the image has no pixels', UNSUPPORTED_HINT);
  return { format, width, height, hasAlpha: meta.hasAlpha === true };
}
