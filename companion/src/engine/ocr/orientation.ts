import * as ort from 'onnxruntime-node';
import { writeNormalizedBgr, type Rgb } from './raster';

const CLS_H = 48;
const CLS_W = 192;
const HALF = [0.5, 0.5, 0.5] as const;

/** Rotates an RGB image by 180°. */
export function rotate180(img: Rgb): Rgb {
  const n = img.width * img.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) data.set(img.data.subarray(i * 3, i * 3 + 3), (n - 1 - i) * 3);
  return { data, width: img.width, height: img.height };
}

/** Rotates an RGB image by 90° counter-clockwise (a line written bottom-to-top becomes horizontal). */
export function rotate90ccw(img: Rgb): Rgb {
  const { width: w, height: h } = img;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // (x, y) → (y, w - 1 - x) in an h-wide, w-high image.
      data.set(img.data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3), ((w - 1 - x) * h + y) * 3);
    }
  }
  return { data, width: h, height: w };
}

/** The PP-OCR direction classifier: is a text line upside down? */
export class OrientationClassifier {
  constructor(private readonly session: ort.InferenceSession) {}

  /** For each crop, the probability that it is rotated by 180°. */
  async upsideDown(crops: Rgb[]): Promise<number[]> {
    if (crops.length === 0) return [];
    const plane = CLS_H * CLS_W;
    const tensor = new Float32Array(crops.length * 3 * plane);
    crops.forEach((c, i) => {
      const w = Math.min(CLS_W, Math.max(1, Math.ceil((c.width * CLS_H) / c.height)));
      writeNormalizedBgr(c, w, CLS_H, tensor, i * 3 * plane, CLS_W, plane, HALF, HALF);
    });
    const out = (await this.session.run({ [this.session.inputNames[0]!]: new ort.Tensor('float32', tensor, [crops.length, 3, CLS_H, CLS_W]) }))[this.session.outputNames[0]!]!;
    const probs = out.data as Float32Array;
    const result = crops.map((_, i) => probs[i * 2 + 1]!);
    out.dispose();
    return result;
  }
}
