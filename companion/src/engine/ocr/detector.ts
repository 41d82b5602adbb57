import * as ort from 'onnxruntime-node';
import { dbPostprocess, DEFAULT_DB, type DbOptions } from './db-postprocess';
import { cropRgb, writeNormalizedBgr, type Rect, type Rgb } from './raster';
import { largeTextScale } from './text-height';

const MEAN = [0.485, 0.456, 0.406] as const;
const STD = [0.229, 0.224, 0.225] as const;

export interface DetectOptions {
  /** Images wider than this are scaled down for detection (a 4K screenshot is read at half size). */
  maxWidth: number;
  /** Tall pages are detected in strips of this height (detector pixels) so memory stays bounded. */
  tileHeight: number;
  /** Images whose longer side is below this are scaled up for detection (tiny regions). */
  minSide: number;
  /** Detect large text (rows ≥ 24 px, as at device pixel ratio 2) at half scale. */
  halveLargeText: boolean;
  db: DbOptions;
}

export const DEFAULT_DETECT: DetectOptions = { maxWidth: 1920, tileHeight: 1536, minSide: 480, halveLargeText: true, db: DEFAULT_DB };

export interface TextBox {
  /** [x0, y0, x1, y1] in the input image's pixels. */
  box: [number, number, number, number];
  score: number;
}

const PAD = 16;
const round32 = (v: number) => Math.max(32, Math.ceil(v / 32) * 32);

export class Detector {
  constructor(private readonly session: ort.InferenceSession) {}

  async detect(full: Rgb, opts: DetectOptions = DEFAULT_DETECT, signal?: AbortSignal): Promise<TextBox[]> {
    // Screenshots are mostly empty page: detect only where something differs from the background.
    const content = contentRect(full);
    if (!content) return [];
    const img = content[0] === 0 && content[1] === 0 && content[2] === full.width && content[3] === full.height ? full : cropRgb(full, content);
    const boxes = await this.detectAll(img, opts, signal);
    return boxes.map((b) => ({ ...b, box: [b.box[0] + content[0], b.box[1] + content[1], b.box[2] + content[0], b.box[3] + content[1]] }));
  }

  private async detectAll(img: Rgb, opts: DetectOptions, signal?: AbortSignal): Promise<TextBox[]> {
    let scale = Math.min(1, opts.maxWidth / img.width);
    if (opts.halveLargeText && scale > 0.5) scale = Math.max(scale * largeTextScale(img), 0.5);
    const longSide = Math.max(img.width, img.height);
    if (longSide < opts.minSide) scale = Math.min(4, opts.minSide / longSide);
    const scaledW = Math.max(1, Math.round(img.width * scale));
    const scaledH = Math.max(1, Math.round(img.height * scale));
    // Strips overlap by this much; a box belongs to the strip holding its centre.
    const overlap = 128;
    const boxes: TextBox[] = [];
    for (let top = 0; top < scaledH; top += opts.tileHeight - overlap) {
      signal?.throwIfAborted();
      const bottom = Math.min(scaledH, top + opts.tileHeight);
      const found = await this.detectStrip(img, scale, scaledW, top, bottom, opts.db);
      const ownTop = top === 0 ? -Infinity : top + overlap / 2;
      const ownBottom = bottom >= scaledH ? Infinity : bottom - overlap / 2;
      for (const b of found) {
        const cy = (b.box[1] + b.box[3]) / 2;
        if (cy >= ownTop && cy < ownBottom) {
          boxes.push({
            box: [b.box[0] / scale, b.box[1] / scale, b.box[2] / scale, b.box[3] / scale].map((v, i) =>
              Math.max(0, Math.min(i % 2 === 0 ? img.width : img.height, v)),
            ) as TextBox['box'],
            score: b.score,
          });
        }
      }
      if (bottom >= scaledH) break;
    }
    return boxes;
  }

  /** Detects rows [top, bottom) of the scaled image; returns boxes in scaled-image pixels. */
  private async detectStrip(img: Rgb, scale: number, scaledW: number, top: number, bottom: number, db: DbOptions) {
    const srcY0 = Math.floor(top / scale);
    const srcY1 = Math.min(img.height, Math.ceil(bottom / scale));
    const stripH = bottom - top;
    const strip: Rgb = {
      data: img.data.subarray(srcY0 * img.width * 3, srcY1 * img.width * 3),
      width: img.width,
      height: srcY1 - srcY0,
    };
    const W = round32(scaledW + 2 * PAD);
    const H = round32(stripH + 2 * PAD);
    const tensor = new Float32Array(3 * W * H);
    // Pad with the page's own background so text at the edge is still seen as text.
    const bg = borderColor(img);
    for (let c = 0; c < 3; c++) {
      const v = (bg[2 - c]! / 255 - MEAN[c]!) / STD[c]!;
      tensor.fill(v, c * W * H, (c + 1) * W * H);
    }
    writeNormalizedBgr(strip, scaledW, stripH, tensor, PAD * W + PAD, W, W * H, MEAN, STD);
    const feeds = { [this.session.inputNames[0]!]: new ort.Tensor('float32', tensor, [1, 3, H, W]) };
    const result = await this.session.run(feeds);
    const out = result[this.session.outputNames[0]!]!;
    const prob = out.data as Float32Array;
    const boxes = dbPostprocess(prob, W, H, db);
    out.dispose();
    return boxes.map((b) => ({
      box: [b.box[0] - PAD, b.box[1] - PAD + top, b.box[2] - PAD, b.box[3] - PAD + top] as [number, number, number, number],
      score: b.score,
    }));
  }
}

/** Median colour of the image border: the page background in a screenshot. */
export function borderColor(img: Rgb): [number, number, number] {
  const r: number[] = [], g: number[] = [], b: number[] = [];
  const push = (x: number, y: number) => {
    const i = (y * img.width + x) * 3;
    r.push(img.data[i]!);
    g.push(img.data[i + 1]!);
    b.push(img.data[i + 2]!);
  };
  const stepX = Math.max(1, Math.floor(img.width / 64));
  const stepY = Math.max(1, Math.floor(img.height / 64));
  for (let x = 0; x < img.width; x += stepX) {
    push(x, 0);
    push(x, img.height - 1);
  }
  for (let y = 0; y < img.height; y += stepY) {
    push(0, y);
    push(img.width - 1, y);
  }
  const med = (a: number[]) => a.sort((p, q) => p - q)[a.length >> 1]!;
  return [med(r), med(g), med(b)];
}

/** Bounding rectangle of everything that is not background, with a margin; undefined for a blank image. */
export function contentRect(img: Rgb, margin = 12, tolerance = 28): Rect | undefined {
  const [br, bg, bb] = borderColor(img);
  const d = img.data;
  let x0 = img.width, y0 = img.height, x1 = -1, y1 = -1;
  for (let y = 0; y < img.height; y++) {
    let row = y * img.width * 3;
    for (let x = 0; x < img.width; x++, row += 3) {
      if (Math.abs(d[row]! - br) + Math.abs(d[row + 1]! - bg) + Math.abs(d[row + 2]! - bb) > tolerance) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        y1 = y;
      }
    }
  }
  if (x1 < 0) return undefined;
  return [Math.max(0, x0 - margin), Math.max(0, y0 - margin), Math.min(img.width, x1 + 1 + margin), Math.min(img.height, y1 + 1 + margin)];
}
