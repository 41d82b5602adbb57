import sharpLib from 'sharp';

/**
 * The one configured sharp. Importing this module narrows libvips, process-wide, to the
 * PNG, JPEG and WebP in-memory loaders: SVG, TIFF, GIF, HEIF, PDF, file loaders and the
 * rest cannot be reached by untrusted bytes, whatever a sniffer upstream decides.
 * Everything in Loupe that decodes images imports sharp from here.
 */
const ALLOWED_LOADERS = ['VipsForeignLoadPngBuffer', 'VipsForeignLoadJpegBuffer', 'VipsForeignLoadWebpBuffer'];

sharpLib.block({ operation: ['VipsForeignLoad'] });
sharpLib.unblock({ operation: ALLOWED_LOADERS });
// Decoded-pixel cache is per process and unbounded by default; images are decoded once.
sharpLib.cache(false);

export const sharp = sharpLib;
export type { Sharp, SharpOptions } from 'sharp';
