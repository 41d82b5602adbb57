import type { Mask } from './glyph-shape';

export interface InkProfile {
  /** Per crop column: does it hold text ink? */
  columns: Uint8Array;
  /** Height of the inked rows (the text's size in crop pixels). */
  inkHeight: number;
}

/** Which crop columns hold text ink, and how tall the text is, from the crop's ink mask (inkMask). */
export function inkProfile(mask: Mask): InkProfile {
  const { ink, width, height } = mask;
  const columns = new Uint8Array(width);
  let top = height;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    let rowInk = 0;
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x]) {
        columns[x] = 1;
        rowInk++;
      }
    }
    // A row counts as text when more than a sliver of it is ink (ignores specks and borders).
    if (rowInk > Math.max(1, width * 0.01)) {
      if (y < top) top = y;
      bottom = y;
    }
  }
  return { columns, inkHeight: bottom >= top ? bottom - top + 1 : height };
}

export function otsu(hist: Uint32Array, total: number): number {
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += v * hist[v]!;
  let sumB = 0, wB = 0, best = 0, threshold = 127;
  for (let v = 0; v < 256; v++) {
    wB += hist[v]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += v * hist[v]!;
    const mB = sumB / wB;
    const mF = (sum - sumB) / wF;
    const between = wB * wF * (mB - mF) * (mB - mF);
    if (between > best) {
      best = between;
      threshold = v;
    }
  }
  return threshold;
}

/** Longest run of ink-free columns in [from, to). */
export function longestBlankRun(columns: Uint8Array, from: number, to: number): number {
  let best = 0, run = 0;
  for (let x = Math.max(0, from); x < Math.min(columns.length, to); x++) {
    if (columns[x]) run = 0;
    else if (++run > best) best = run;
  }
  return best;
}
