import { ProtocolError } from '@loupe/shared';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

const UNSUPPORTED_HINT = 'Send a PNG, JPEG or WebP image (take a screenshot, or convert the file).';

const startsWith = (bytes: Uint8Array, magic: readonly number[], at = 0): boolean =>
  bytes.byteLength >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];

/** Names what a rejected file looks like, so the error says more than "unsupported". */
function guessOther(bytes: Uint8Array): string | undefined {
  if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return 'GIF';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF';
  if (startsWith(bytes, [0x42, 0x4d])) return 'BMP';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) return 'PDF';
  if (startsWith(bytes, [0x66, 0x74, 0x79, 0x70], 4)) return 'HEIF/AVIF';
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 256)).trimStart().toLowerCase();
  if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg'))) return 'SVG';
  return undefined;
}

/** Identifies an image by its magic bytes; anything but PNG, JPEG or WebP is refused. */
export function sniffImage(bytes: Uint8Array): ImageFormat {
  if (startsWith(bytes, PNG)) return 'png';
  if (startsWith(bytes, JPEG)) return 'jpeg';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'webp';
  const other = guessOther(bytes);
  const what = bytes.byteLength === 0 ? 'the image is empty' : other ? `${other} images are not supported` : 'the bytes are not a PNG, JPEG or WebP image';
  throw new ProtocolError('unsupported_image', what, UNSUPPORTED_HINT);
}

export { UNSUPPORTED_HINT };
