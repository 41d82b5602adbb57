/** Geometry for turning what the user pointed at (CSS pixels) into image pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Size {
  width: number;
  height: number;
}

/**
 * Maps a rectangle in the viewport's CSS pixels onto a `captureVisibleTab` image.
 * The scale comes from the capture itself (capture width / viewport width), which folds
 * devicePixelRatio and page zoom together; `dpr` is only a fallback when the viewport
 * size is unknown. The result is snapped outward to whole pixels and clamped to the image.
 */
export function viewportRectToCapture(rect: Rect, viewport: Size | undefined, capture: Size, dpr = 1): Rect | null {
  const sx = viewport && viewport.width > 0 ? capture.width / viewport.width : dpr;
  const sy = viewport && viewport.height > 0 ? capture.height / viewport.height : dpr;
  const x0 = clamp(Math.floor(rect.x * sx), 0, capture.width);
  const y0 = clamp(Math.floor(rect.y * sy), 0, capture.height);
  const x1 = clamp(Math.ceil((rect.x + rect.width) * sx), 0, capture.width);
  const y1 = clamp(Math.ceil((rect.y + rect.height) * sy), 0, capture.height);
  if (x1 - x0 < 1 || y1 - y0 < 1) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Largest size with the same aspect ratio that fits `maxPixels` (never upscales). */
export function fitToBudget(size: Size, maxPixels: number): Size {
  const pixels = size.width * size.height;
  if (pixels <= maxPixels || pixels === 0) return { width: size.width, height: size.height };
  const scale = Math.sqrt(maxPixels / pixels);
  return {
    width: Math.max(1, Math.floor(size.width * scale)),
    height: Math.max(1, Math.floor(size.height * scale)),
  };
}

/** Normalises a drag (start and end points in any order) into a rectangle. */
export function dragToRect(a: { x: number; y: number }, b: { x: number; y: number }): Rect {
  return { x: Math.min(a.x, b.x), y: Math.min(a.y, b.y), width: Math.abs(a.x - b.x), height: Math.abs(a.y - b.y) };
}

/** Scales boxes given in the sent image's pixels to the size the image is displayed at. */
export function scaleBox(box: readonly [number, number, number, number], from: Size, to: Size): Rect {
  const sx = to.width / from.width;
  const sy = to.height / from.height;
  return { x: box[0] * sx, y: box[1] * sy, width: (box[2] - box[0]) * sx, height: (box[3] - box[1]) * sy };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
