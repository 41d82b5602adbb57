/** An 8-bit RGB image, rows top to bottom, 3 bytes per pixel. */
export interface Rgb {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Integer pixel rectangle [x0, y0, x1, y1) inside an image. */
export type Rect = [number, number, number, number];

export function luminanceAt(img: Rgb, i: number): number {
  const d = img.data;
  return 0.299 * d[i * 3]! + 0.587 * d[i * 3 + 1]! + 0.114 * d[i * 3 + 2]!;
}

/** Copies a rectangle out of an image (clamped to the image). */
export function cropRgb(img: Rgb, rect: Rect): Rgb {
  const x0 = Math.max(0, Math.floor(rect[0]));
  const y0 = Math.max(0, Math.floor(rect[1]));
  const y1 = Math.min(img.height, Math.ceil(rect[3]));
  const width = cropWidth(img, rect);
  const height = Math.max(1, y1 - y0);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const sy = Math.min(img.height - 1, y0 + y);
    const src = (sy * img.width + x0) * 3;
    data.set(img.data.subarray(src, src + Math.min(width, img.width - x0) * 3), y * width * 3);
  }
  return { data, width, height };
}

/** Width of `cropRgb(img, rect)` (whole pixels covering the rectangle, clamped to the image). */
export function cropWidth(img: Rgb, rect: Rect): number {
  return Math.max(1, Math.min(img.width, Math.ceil(rect[2])) - Math.max(0, Math.floor(rect[0])));
}

/**
 * Widens `img` to `minWidth` by repeating its left and right edge columns, the crop centred.
 * A lone glyph ("}", "2" in a table cell) fills the recogniser's whole input otherwise and is
 * read with low confidence; with background around it, as in the lines it was trained on, it is not.
 */
export function padToWidth(img: Rgb, minWidth: number): Rgb {
  if (img.width >= minWidth) return img;
  const width = Math.ceil(minWidth);
  const left = (width - img.width) >> 1;
  const data = new Uint8Array(width * img.height * 3);
  for (let y = 0; y < img.height; y++) {
    const row = y * img.width * 3;
    const out = y * width * 3;
    data.set(img.data.subarray(row, row + img.width * 3), out + left * 3);
    for (let x = 0; x < left; x++) data.copyWithin(out + x * 3, out + left * 3, out + left * 3 + 3);
    const last = out + (left + img.width - 1) * 3;
    for (let x = left + img.width; x < width; x++) data.copyWithin(out + x * 3, last, last + 3);
  }
  return { data, width, height: img.height };
}

/**
 * Writes `img` resized (bilinear, area-averaged when shrinking a lot) into a CHW float
 * tensor slice in BGR channel order — the order PaddleOCR models were trained on —
 * as (v/255 - mean[c]) / std[c]. `stride` is the tensor row length, `plane` one channel's size.
 * Pixels outside width × height are left as they are (padding).
 */
export function writeNormalizedBgr(
  img: Rgb,
  width: number,
  height: number,
  out: Float32Array,
  offset: number,
  stride: number,
  plane: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): void {
  const sx = img.width / width;
  const sy = img.height / height;
  const d = img.data;
  const scale0 = 1 / (255 * std[0]);
  const scale1 = 1 / (255 * std[1]);
  const scale2 = 1 / (255 * std[2]);
  const bias0 = mean[0] / std[0];
  const bias1 = mean[1] / std[1];
  const bias2 = mean[2] / std[2];
  const xs0 = new Int32Array(width);
  const xs1 = new Int32Array(width);
  const xw = new Float32Array(width);
  for (let x = 0; x < width; x++) {
    const fx = Math.min(img.width - 1, Math.max(0, (x + 0.5) * sx - 0.5));
    const ix = Math.floor(fx);
    xs0[x] = ix * 3;
    xs1[x] = Math.min(img.width - 1, ix + 1) * 3;
    xw[x] = fx - ix;
  }
  for (let y = 0; y < height; y++) {
    const fy = Math.min(img.height - 1, Math.max(0, (y + 0.5) * sy - 0.5));
    const iy = Math.floor(fy);
    const wy = fy - iy;
    const r0 = iy * img.width * 3;
    const r1 = Math.min(img.height - 1, iy + 1) * img.width * 3;
    const row = offset + y * stride;
    for (let x = 0; x < width; x++) {
      const a = xs0[x]!;
      const b = xs1[x]!;
      const wx = xw[x]!;
      const w00 = (1 - wx) * (1 - wy);
      const w01 = wx * (1 - wy);
      const w10 = (1 - wx) * wy;
      const w11 = wx * wy;
      const r = d[r0 + a]! * w00 + d[r0 + b]! * w01 + d[r1 + a]! * w10 + d[r1 + b]! * w11;
      const g = d[r0 + a + 1]! * w00 + d[r0 + b + 1]! * w01 + d[r1 + a + 1]! * w10 + d[r1 + b + 1]! * w11;
      const bl = d[r0 + a + 2]! * w00 + d[r0 + b + 2]! * w01 + d[r1 + a + 2]! * w10 + d[r1 + b + 2]! * w11;
      out[row + x] = bl * scale0 - bias0;
      out[row + plane + x] = g * scale1 - bias1;
      out[row + 2 * plane + x] = r * scale2 - bias2;
    }
  }
}
