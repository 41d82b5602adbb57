import { median } from './median';
import type { Rect, Rgb } from './raster';

/**
 * Ink the text detector left uncovered that is shaped like a short run of text: a lone `T` at
 * the end of a terminal row, a `0` in a table cell far from other text. Ink is measured against
 * the local background (the commonest luminance of the surrounding tile, so cell and code-block
 * backgrounds count as background); blobs touching a detected box belong to that box's text.
 * Blobs are grouped into tokens (glyphs side by side, an `i`'s dot over its stem) and kept when
 * their height fits the page's detected lines; rules, bars and borders are too long, too tall or
 * too thin to pass. The caller reads the returned rectangles and keeps only confident readings.
 */
export interface InkOptions {
  /** Luminance difference from the local background that counts as ink. */
  contrast: number;
  /** Most tokens returned per page (each costs one recogniser crop). */
  maxTokens: number;
}

export const DEFAULT_INK: InkOptions = { contrast: 70, maxTokens: 24 };

const TILE = 48;

/** The commonest luminance (in bins of 8) per TILE × TILE tile. */
function tileBackgrounds(lum: Uint8Array, width: number, height: number): { bg: Uint8Array; cols: number } {
  const cols = Math.ceil(width / TILE);
  const rows = Math.ceil(height / TILE);
  const bg = new Uint8Array(cols * rows);
  const hist = new Uint32Array(32);
  for (let ty = 0; ty < rows; ty++) {
    for (let tx = 0; tx < cols; tx++) {
      hist.fill(0);
      const y1 = Math.min(height, (ty + 1) * TILE);
      const x1 = Math.min(width, (tx + 1) * TILE);
      for (let y = ty * TILE; y < y1; y += 2) for (let x = tx * TILE, i = y * width + x; x < x1; x += 2, i += 2) hist[lum[i]! >> 3]!++;
      let best = 0;
      for (let b = 1; b < 32; b++) if (hist[b]! > hist[best]!) best = b;
      bg[ty * cols + tx] = best * 8 + 4;
    }
  }
  return { bg, cols };
}

interface Blob {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pixels: number;
}

/** Rectangles (image pixels, glyph-tight) of uncovered text-like tokens, top to bottom. */
export function uncoveredTokens(img: Rgb, boxes: readonly Rect[], opts: InkOptions = DEFAULT_INK): Rect[] {
  const { width, height, data } = img;
  if (boxes.length < 2) return [];
  const lineH = median(boxes.map((b) => b[3] - b[1]));
  // Detected boxes are grown ("unclipped") past their glyphs; a glyph is about 0.35–0.8 of that.
  const minH = Math.max(4, 0.3 * lineH);
  const maxH = 0.85 * lineH;
  const n = width * height;
  const lum = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) lum[i] = (data[j]! * 77 + data[j + 1]! * 150 + data[j + 2]! * 29) >> 8;
  const { bg, cols } = tileBackgrounds(lum, width, height);
  // 0 = background, 1 = uncovered ink, 2 = ink under a box, 3 = labelled.
  const mask = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    const brow = Math.floor(y / TILE) * cols;
    for (let x = 0, i = y * width; x < width; x++, i++) if (Math.abs(lum[i]! - bg[brow + Math.floor(x / TILE)]!) > opts.contrast) mask[i] = 1;
  }
  for (const b of boxes) {
    const x0 = Math.max(0, Math.floor(b[0])), x1 = Math.min(width, Math.ceil(b[2]));
    for (let y = Math.max(0, Math.floor(b[1])); y < Math.min(height, Math.ceil(b[3])); y++) for (let i = y * width + x0; i < y * width + x1; i++) if (mask[i]) mask[i] = 2;
  }
  const blobs: Blob[] = [];
  const stack = new Int32Array(n);
  for (let start = 0; start < n; start++) {
    if (mask[start] !== 1) continue;
    let top = 0;
    stack[top++] = start;
    mask[start] = 3;
    let touches = false;
    const blob: Blob = { x0: width, y0: height, x1: -1, y1: -1, pixels: 0 };
    while (top > 0) {
      const p = stack[--top]!;
      const px = p % width, py = (p - px) / width;
      blob.pixels++;
      if (px < blob.x0) blob.x0 = px;
      if (px > blob.x1) blob.x1 = px;
      if (py < blob.y0) blob.y0 = py;
      if (py > blob.y1) blob.y1 = py;
      for (let dy = -1; dy <= 1; dy++) {
        const ny = py + dy;
        if (ny < 0 || ny >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const nx = px + dx;
          if (nx < 0 || nx >= width) continue;
          const q = ny * width + nx;
          if (mask[q] === 2) touches = true;
          else if (mask[q] === 1) {
            mask[q] = 3;
            stack[top++] = q;
          }
        }
      }
    }
    // A blob reaching under a box is part of that box's text, or a rule running through it.
    if (!touches && blob.y1 - blob.y0 + 1 <= maxH && blob.x1 - blob.x0 + 1 <= 2 * lineH) blobs.push(blob);
  }
  return groupTokens(blobs, lineH)
    .filter((t) => {
      const h = t.y1 - t.y0 + 1, w = t.x1 - t.x0 + 1;
      // Too thin is a bar or a rule's end; filled solid is an icon, a bullet or a button.
      return h >= minH && h <= maxH && w <= 6 * lineH && w >= 0.2 * h && t.pixels <= 0.75 * w * h && !overlapsBox(t, boxes);
    })
    .slice(0, opts.maxTokens)
    .map((t) => [t.x0, t.y0, t.x1 + 1, t.y1 + 1] as Rect);
}

function overlapsBox(t: Blob, boxes: readonly Rect[]): boolean {
  return boxes.some((b) => t.x0 < b[2] && t.x1 + 1 > b[0] && t.y0 < b[3] && t.y1 + 1 > b[1]);
}

/** Joins blobs a letter gap apart on one row (and a dot above its stem) into tokens. */
function groupTokens(blobs: Blob[], lineH: number): Blob[] {
  const gap = 0.45 * lineH;
  const sorted = [...blobs].sort((a, b) => a.x0 - b.x0);
  const tokens: Blob[] = [];
  for (const b of sorted) {
    const t = tokens.find((t) => {
      const y0 = Math.min(t.y0, b.y0), y1 = Math.max(t.y1, b.y1);
      const sameRow = Math.min(t.y1, b.y1) - Math.max(t.y0, b.y0) >= -0.25 * lineH;
      return sameRow && y1 - y0 + 1 <= 0.85 * lineH && b.x0 - t.x1 <= gap && t.x0 - b.x1 <= gap;
    });
    if (!t) tokens.push({ ...b });
    else {
      t.x0 = Math.min(t.x0, b.x0);
      t.x1 = Math.max(t.x1, b.x1);
      t.y0 = Math.min(t.y0, b.y0);
      t.y1 = Math.max(t.y1, b.y1);
      t.pixels += b.pixels;
    }
  }
  return tokens.sort((a, b) => a.y0 - b.y0 || a.x0 - b.x0);
}

/**
 * The crop to read a token from, framed as the detector frames a line: the row of the box
 * beside it when one shares its row, else a line's height centred on it; a little margin either side.
 */
export function tokenCrop(token: Rect, boxes: readonly Rect[], img: Rgb): Rect {
  const lineH = median(boxes.map((b) => b[3] - b[1]));
  const cy = (token[1] + token[3]) / 2;
  const beside = boxes.filter((b) => cy > b[1] && cy < b[3] && b[3] - b[1] <= 1.5 * lineH).sort((a, b) => Math.abs(cy - (a[1] + a[3]) / 2) - Math.abs(cy - (b[1] + b[3]) / 2))[0];
  const y0 = Math.min(token[1] - 1, beside ? beside[1] : cy - lineH / 2);
  const y1 = Math.max(token[3] + 1, beside ? beside[3] : cy + lineH / 2);
  const pad = 0.25 * (y1 - y0);
  return [Math.max(0, Math.round(token[0] - pad)), Math.max(0, Math.round(y0)), Math.min(img.width, Math.round(token[2] + pad)), Math.min(img.height, Math.round(y1))];
}

/** A reading worth inserting: ASCII with a letter or digit in it (not a rule's `-`, `|`, `+`), read confidently. */
export function acceptReading(text: string, score: number, minScore = 0.9): boolean {
  const t = text.trim();
  return score >= minScore && t.length > 0 && t.length <= 12 && /^[\x21-\x7e]+$/.test(t) && /[A-Za-z0-9]/.test(t);
}
