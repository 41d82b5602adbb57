import { borderColor } from './detector';
import { median } from './median';
import type { Rect, Rgb } from './raster';
import { framedTables, rulesOf } from './ruled-lines';
import { inkTest } from './char-grid';
import { growComponent } from './ink-components';

/**
 * Marks the text detector does not see: a fence line of three backticks, a `*` or `-` bullet
 * before its text, a lone `}`, `---` or `...` line (DB detection scores punctuation alone low).
 * They are found as ink no text box holds — connected blobs of text-strength ink (at least
 * `INK_SHARE` of the page's text contrast, so table borders and code-block or pill backgrounds
 * are not ink) with no pixel inside a box — grouped by row. A group beside a box on its row
 * widens that box (the mark is read with its text, "* [API]"); a group alone on its row becomes
 * a box of the neighbouring lines' height placed on their line pitch, so the recogniser sees
 * the mark where a line holds it (a `.` on the baseline, a backtick at the top).
 * Character-drawn tables are left to table-rules.ts.
 */
export const MISSED_MARKS = {
  /** Ink: luminance off the background by this share of the text's contrast. */
  inkShare: 0.4,
  /** A mark this close to a box on its row (in line heights) joins it. */
  joinGap: 1.2,
  /** Blobs of one mark (the three ticks of a fence) are at most this far apart (line heights). */
  blobGap: 0.9,
  /** A detected box under this share of the line height, alone on its row, is a mark alone. */
  shortBox: 0.8,
  /** Fewer pixels than this is noise. */
  minPixels: 2,
} as const;

export interface MarkedBoxes {
  rects: Rect[];
  /** Boxes made for marks alone on their row: index into `rects`, and the mark's blobs. */
  added: Map<number, Blob[]>;
  /** Added boxes that are a second reading of a short detected box (added index → detected index). */
  rereads: Map<number, number>;
}

export interface Blob {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  pixels: number;
}

/** Pixels whose luminance is off the background by a share of the text's contrast (1), else 0. */
function strongInk(img: Rgb, rects: readonly Rect[]): Uint8Array | undefined {
  const [r, g, b] = borderColor(img);
  const bg = 0.299 * r + 0.587 * g + 0.114 * b;
  const d = img.data;
  const n = img.width * img.height;
  // Luminance off the background, in float32 (as the threshold below is compared with).
  const offAt = (j: number) => Math.fround(Math.abs(0.299 * d[j]! + 0.587 * d[j + 1]! + 0.114 * d[j + 2]! - bg));
  // The text's contrast: the strongest ink in the boxes (a high percentile, not the maximum).
  const diffs: number[] = [];
  for (const rect of rects) {
    const [x0, y0, x1, y1] = rect.map(Math.round) as Rect;
    const step = Math.max(1, Math.floor((x1 - x0) / 64));
    for (let y = Math.max(0, y0); y < Math.min(img.height, y1); y += 2) for (let x = Math.max(0, x0); x < Math.min(img.width, x1); x += step) diffs.push(offAt(3 * (y * img.width + x)));
  }
  if (diffs.length < 50) return undefined;
  const sorted = Float64Array.from(diffs).sort();
  const contrast = sorted[Math.floor(0.98 * (sorted.length - 1))]!;
  if (contrast < 40) return undefined;
  const t = MISSED_MARKS.inkShare * contrast;
  const ink = new Uint8Array(n);
  for (let i = 0, j = 0; i < n; i++, j += 3) if (offAt(j) >= t) ink[i] = 1;
  return ink;
}

/**
 * Blobs of ink (8-connected) reaching outside the boxes, mostly outside (a box's margin may clip
 * a bullet's edge; a descender the box cut off is mostly inside).
 */
function freeBlobs(img: Rgb, rects: readonly Rect[], ink: Uint8Array): Blob[] {
  const { width: W, height: H } = img;
  const inBox = new Uint8Array(W * H);
  for (const [x0, y0, x1, y1] of rects) {
    for (let y = Math.max(0, Math.floor(y0)); y < Math.min(H, Math.ceil(y1)); y++) inBox.fill(1, y * W + Math.max(0, Math.floor(x0)), y * W + Math.min(W, Math.ceil(x1)));
  }
  const seen = new Uint8Array(W * H);
  const blobs: Blob[] = [];
  for (let start = 0; start < W * H; start++) {
    if (seen[start] || inBox[start] || !ink[start]) continue;
    seen[start] = 1;
    let inside = 0;
    const blob: Blob = { x0: W, y0: H, x1: -1, y1: -1, pixels: 0 };
    growComponent(W, [0, 0, W, H], start, (q) => !seen[q] && !!ink[q] && ((seen[q] = 1), true), (x, y, p) => {
      if (inBox[p]) inside++;
      else blob.pixels++;
      blob.x0 = Math.min(blob.x0, x);
      blob.x1 = Math.max(blob.x1, x);
      blob.y0 = Math.min(blob.y0, y);
      blob.y1 = Math.max(blob.y1, y);
    });
    if (inside <= blob.pixels && blob.pixels >= MISSED_MARKS.minPixels) blobs.push(blob);
  }
  return blobs;
}

interface Mark extends Blob {
  blobs: Blob[];
}

/** Blobs of ink (8-connected) inside a rectangle. */
function blobsIn(img: Rgb, ink: Uint8Array, rect: Rect): Blob[] {
  const [x0, y0, x1, y1] = [Math.max(0, Math.floor(rect[0])), Math.max(0, Math.floor(rect[1])), Math.min(img.width, Math.ceil(rect[2])), Math.min(img.height, Math.ceil(rect[3]))];
  const W = img.width;
  const seen = new Set<number>();
  const blobs: Blob[] = [];
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (!ink[y * W + x] || seen.has(y * W + x)) continue;
      const blob: Blob = { x0: x, y0: y, x1: x, y1: y, pixels: 0 };
      seen.add(y * W + x);
      growComponent(W, [x0, y0, x1, y1], y * W + x, (q) => !!ink[q] && !seen.has(q) && (seen.add(q), true), (px, py) => {
        blob.pixels++;
        blob.x0 = Math.min(blob.x0, px);
        blob.x1 = Math.max(blob.x1, px);
        blob.y0 = Math.min(blob.y0, py);
        blob.y1 = Math.max(blob.y1, py);
      });
      if (blob.pixels >= MISSED_MARKS.minPixels) blobs.push(blob);
    }
  }
  return blobs;
}

/** Blobs on one row close together are one mark (the ticks of a fence, the dots of `...`). */
function groupMarks(blobs: Blob[], lineHeight: number): Mark[] {
  const marks: Mark[] = [];
  for (const b of [...blobs].sort((p, q) => p.x0 - q.x0)) {
    const m = marks.find((m) => b.x0 - m.x1 <= MISSED_MARKS.blobGap * lineHeight && Math.max(m.y1, b.y1) - Math.min(m.y0, b.y0) <= lineHeight);
    if (m) {
      m.x1 = Math.max(m.x1, b.x1);
      m.y0 = Math.min(m.y0, b.y0);
      m.y1 = Math.max(m.y1, b.y1);
      m.pixels += b.pixels;
      m.blobs.push(b);
    } else marks.push({ ...b, blobs: [b] });
  }
  return marks;
}

/**
 * The line pitch of boxes of about this height: the period (between 0.75 and 1.9 box heights)
 * their centres fit best; box edges jitter by a pixel or two, so single steps are not enough.
 */
export function linePitch(rects: readonly Rect[], h: number): number | undefined {
  const centres = rects.filter((r) => Math.abs(r[3] - r[1] - h) <= 0.3 * h).map((r) => (r[1] + r[3]) / 2);
  if (centres.length < 3) return undefined;
  let best: { pitch: number; fit: number; phase: number } | undefined;
  for (let p = 0.75 * h; p <= 1.9 * h; p += 0.02) {
    let c = 0, s = 0;
    for (const y of centres) {
      c += Math.cos((2 * Math.PI * y) / p);
      s += Math.sin((2 * Math.PI * y) / p);
    }
    const fit = Math.hypot(c, s) / centres.length;
    if (!best || fit > best.fit) best = { pitch: p, fit, phase: Math.atan2(s, c) / (2 * Math.PI) };
  }
  if (!best) return undefined;
  // Rows on one pitch sit within a pixel or two of it; a few scattered boxes can fit some period loosely.
  const { pitch, phase } = best;
  const off = (y: number) => Math.abs((((y / pitch - phase) % 1) + 1.5) % 1 - 0.5);
  return centres.filter((y) => off(y) <= 0.12).length >= 0.9 * centres.length ? pitch : undefined;
}

/**
 * `rects` (the detector's boxes, not changed) with boxes widened over the marks beside them and
 * boxes added for marks alone on their row.
 */
export function addMissedMarks(img: Rgb, rects: readonly Rect[]): MarkedBoxes {
  const out: MarkedBoxes = { rects: rects.map((r) => [...r] as Rect), added: new Map(), rereads: new Map() };
  if (rects.length < 2) return out;
  const ink = strongInk(img, rects);
  if (!ink) return out;
  const h = median(rects.map((r) => r[3] - r[1]));
  const pageInk = inkTest(img);
  const tables = framedTables(img, pageInk, rulesOf(img));
  const inTable = (m: Blob) => tables.some((t) => m.y1 >= t.y0 - h && m.y0 <= t.y1 + h && m.x1 >= t.x0 && m.x0 <= t.x1);
  // A detected box much shorter than a line, alone on its row, may hold a mark cut to its own
  // height (a lone `}` or fence read as nothing): it is read again as a mark alone.
  rects.forEach((r, i) => {
    if (r[3] - r[1] >= MISSED_MARKS.shortBox * h || r[2] - r[0] > 4 * h) return;
    const cy = (r[1] + r[3]) / 2;
    if (rects.some((q, k) => k !== i && cy > q[1] && cy < q[3])) return;
    const blobs = blobsIn(img, ink, [r[0] - 1, r[1] - 2, r[2] + 1, r[3] + 2]);
    const m = blobs.length ? groupMarks(blobs, h)[0]! : undefined;
    if (!m || m.blobs.length !== blobs.length || inTable(m)) return;
    const box = loneBox(rects.filter((_, k) => k !== i), m, h);
    if (!box) return;
    out.rereads.set(out.rects.length, i);
    out.added.set(out.rects.length, m.blobs);
    out.rects.push(box);
  });
  const marks = groupMarks(freeBlobs(img, rects, ink), h).filter((m) => m.y1 - m.y0 < 1.2 * h && !inTable(m));
  for (const m of marks) {
    const cy = (m.y0 + m.y1) / 2;
    const row = out.rects
      .slice(0, rects.length)
      .map((r, i) => ({ r, i, gap: Math.max(r[0] - m.x1, m.x0 - r[2]) }))
      .filter(({ r }) => cy > r[1] && cy < r[3] && m.y0 >= r[1] - 0.25 * (r[3] - r[1]) && m.y1 <= r[3] + 0.25 * (r[3] - r[1]))
      .sort((a, b) => a.gap - b.gap)[0];
    if (row && row.gap <= MISSED_MARKS.joinGap * (row.r[3] - row.r[1])) {
      row.r[0] = Math.min(row.r[0], m.x0 - 1);
      row.r[2] = Math.max(row.r[2], m.x1 + 2);
      continue;
    }
    if (row) continue;
    const box = loneBox(out.rects.slice(0, rects.length), m, h);
    if (!box) continue;
    out.added.set(out.rects.length, m.blobs);
    out.rects.push(box);
  }
  return out;
}

/** A line-sized box for a mark alone on its row, on the pitch of the nearest line of text. */
function loneBox(rects: readonly Rect[], m: Blob, h: number): Rect | undefined {
  const cy = (m.y0 + m.y1) / 2;
  const near = rects.filter((r) => Math.abs(r[3] - r[1] - h) <= 0.3 * h).sort((a, b) => Math.abs((a[1] + a[3]) / 2 - cy) - Math.abs((b[1] + b[3]) / 2 - cy))[0];
  if (!near) return undefined;
  const nh = near[3] - near[1];
  const pitch = linePitch(rects, h);
  if (pitch === undefined) return undefined;
  const k = Math.round((cy - (near[1] + near[3]) / 2) / pitch);
  const y0 = (near[1] + near[3]) / 2 + k * pitch - nh / 2;
  const y1 = y0 + nh;
  if (k === 0 || m.y0 < y0 - 1 || m.y1 > y1 + 1) return undefined;
  const pad = Math.round(0.3 * nh);
  return [Math.max(0, m.x0 - pad), Math.round(y0), m.x1 + 1 + pad, Math.round(y1)];
}

/**
 * A mark alone on its row, from its blobs' place in the line box when every blob is one small
 * glyph of one kind — the recogniser reads a fence's three backticks at the top of an empty line
 * as dots: flat ones in the middle are hyphens, small ones high in the line backticks, low ones
 * full stops. Otherwise (a `}`, a `*`, mixed marks) undefined: the recogniser's reading stands.
 */
export function markFromShape(blobs: readonly Blob[], box: Rect): string | undefined {
  const h = box[3] - box[1];
  const kind = (b: Blob): string | undefined => {
    const bw = b.x1 - b.x0 + 1;
    const bh = b.y1 - b.y0 + 1;
    const at = ((b.y0 + b.y1) / 2 - box[1]) / h;
    if (bh > 0.25 * h || bw > 0.6 * h) return undefined;
    // A line box is placed from its neighbours' pitch and can sit a few pixels off.
    if (bw >= 2 * bh && bh <= 0.15 * h) return at >= 0.3 && at <= 0.7 ? '-' : undefined;
    if (at < 0.4 && bw <= 0.3 * h) return '`';
    if (at > 0.45 && bw <= 0.25 * h) return '.';
    return undefined;
  };
  const kinds = blobs.map(kind);
  const k = kinds[0];
  if (!k || kinds.some((x) => x !== k) || blobs.length < 2) return undefined;
  return k.repeat(blobs.length);
}

/**
 * The boxes whose reading is left out: a short box's second reading when the first was read
 * (`weak(i)` false), else the first.
 */
export function unreadBoxes(marked: MarkedBoxes, weak: (i: number) => boolean): Set<number> {
  const out = new Set<number>();
  for (const [again, first] of marked.rereads) out.add(weak(first) ? first : again);
  return out;
}
