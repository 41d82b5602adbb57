import { ProtocolError } from '@loupe/shared';

export interface FitOptions {
  /** Upper bound on output width × height. */
  maxPixels: number;
  /** Both output sides become multiples of this (a VLM's patch × merge size: 28 for Qwen2/2.5-VL, 32 for Qwen3-VL). */
  multipleOf?: number;
  /** Lower bound on output width × height (images smaller than this are upscaled). */
  minPixels?: number;
}

/** Qwen-VL refuses extreme strips; so do we, with a message instead of a crash. */
const MAX_ASPECT = 200;

/**
 * Output size for an image of width × height: keeps the aspect ratio, never exceeds maxPixels,
 * and with `multipleOf` rounds both sides the way Qwen-VL's smart_resize does.
 * Without `multipleOf` and `minPixels` an image that already fits is left as is.
 */
export function fitSize(width: number, height: number, o: FitOptions): { width: number; height: number } {
  const area = width * height;
  const f = o.multipleOf;
  if (!f) {
    let scale = area > o.maxPixels ? Math.sqrt(o.maxPixels / area) : 1;
    if (o.minPixels && area < o.minPixels) scale = Math.sqrt(o.minPixels / area);
    if (scale === 1) return { width, height };
    let w = Math.max(1, Math.round(width * scale));
    let h = Math.max(1, Math.round(height * scale));
    while (w * h > o.maxPixels && (w > 1 || h > 1)) {
      if (w >= h) w--;
      else h--;
    }
    return { width: w, height: h };
  }
  if (Math.max(width, height) / Math.min(width, height) > MAX_ASPECT) {
    throw new ProtocolError('unsupported_image', `the image (or region) is ${width}×${height}, more elongated than ${MAX_ASPECT}:1`, 'Select a less elongated region.');
  }
  if (o.maxPixels < f * f) throw new Error(`maxPixels ${o.maxPixels} is smaller than one ${f}×${f} block`);
  let w = Math.max(f, Math.round(width / f) * f);
  let h = Math.max(f, Math.round(height / f) * f);
  if (w * h > o.maxPixels) {
    const beta = Math.sqrt(area / o.maxPixels);
    w = Math.max(f, Math.floor(width / beta / f) * f);
    h = Math.max(f, Math.floor(height / beta / f) * f);
  } else if (o.minPixels && w * h < o.minPixels) {
    const beta = Math.sqrt(o.minPixels / area);
    w = Math.ceil((width * beta) / f) * f;
    h = Math.ceil((height * beta) / f) * f;
  }
  return { width: w, height: h };
}
