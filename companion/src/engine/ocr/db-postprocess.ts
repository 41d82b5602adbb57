/**
 * DB (Differentiable Binarization) post-processing, as in PaddleOCR: threshold the
 * probability map, take connected components, score each by its mean probability,
 * and grow ("unclip") the shrunk text kernel back to the text's full extent.
 * Boxes are axis-aligned: screenshots hold horizontal text.
 */
export interface DbOptions {
  /** Pixel threshold on the probability map. */
  thresh: number;
  /** Minimum mean probability of a component. */
  boxThresh: number;
  /** Unclip ratio: grows a box by area * ratio / perimeter on every side. */
  unclipRatio: number;
  minSize: number;
  maxCandidates: number;
}

export const DEFAULT_DB: DbOptions = { thresh: 0.3, boxThresh: 0.6, unclipRatio: 1.5, minSize: 3, maxCandidates: 2000 };

export interface DbBox {
  /** [x0, y0, x1, y1) in probability-map pixels, after unclip. */
  box: [number, number, number, number];
  score: number;
}

export function dbPostprocess(prob: Float32Array, width: number, height: number, opts: DbOptions = DEFAULT_DB): DbBox[] {
  const n = width * height;
  const label = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const out: DbBox[] = [];
  let components = 0;
  for (let start = 0; start < n; start++) {
    if (label[start] !== -1 || prob[start]! <= opts.thresh) continue;
    // Flood-fill one 8-connected component.
    let top = 0;
    stack[top++] = start;
    label[start] = components;
    let x0 = width, y0 = height, x1 = -1, y1 = -1, sum = 0, count = 0;
    while (top > 0) {
      const p = stack[--top]!;
      const px = p % width;
      const py = (p - px) / width;
      sum += prob[p]!;
      count++;
      if (px < x0) x0 = px;
      if (px > x1) x1 = px;
      if (py < y0) y0 = py;
      if (py > y1) y1 = py;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          if (nx < 0 || nx >= width || (dx === 0 && dy === 0)) continue;
          const q = ny * width + nx;
          if (label[q] === -1 && prob[q]! > opts.thresh) {
            label[q] = components;
            stack[top++] = q;
          }
        }
      }
    }
    components++;
    const w = x1 - x0 + 1;
    const h = y1 - y0 + 1;
    if (Math.min(w, h) < opts.minSize) continue;
    const score = sum / count;
    if (score < opts.boxThresh) continue;
    const d = (w * h * opts.unclipRatio) / (2 * (w + h));
    const box: [number, number, number, number] = [x0 - d, y0 - d, x1 + 1 + d, y1 + 1 + d];
    if (Math.min(box[2] - box[0], box[3] - box[1]) < opts.minSize + 2) continue;
    out.push({ box, score });
    if (out.length >= opts.maxCandidates) break;
  }
  return out;
}
