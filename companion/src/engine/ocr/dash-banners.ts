import { isSlash } from './comment-slashes';
import { inkBlobs, type Blob, type Mask } from './glyph-shape';
import { luminanceAt, type Rgb } from './raster';
import { inkProfile } from './ink-profile';

/**
 * A comment banner in proportional type (`//------…` in a sans code font): its hyphens, a pixel
 * apart, draw one long straight stroke, which the recogniser reads as far too few dashes, unsure
 * (78 read as 31, score 0.48: the line was dropped), often without the `//` before them. The
 * crop tells: one thin horizontal stroke, many line heights long, with nothing above or below it,
 * and at most a few marks before and after it. Its dashes are counted on the stroke's own period
 * (the faint or blank column between two hyphens); its marks are the reading's where it has as
 * many, else slashes told by their slant.
 */
export const DASH_BANNER = {
  /** What the line may have been read as: a few marks, a run of dashes, a few marks. */
  reading: /^(\S{0,3}?)\s*([-—–_.](?:\s*[-—–_.]){2,})\s*(\S{0,3})$/,
  /** The stroke is at least this many crop heights long… */
  minLength: 3,
  /** …at most this share of the crop's height thick (at least 2 px allowed)… */
  maxThick: 0.12,
  /** …with gaps between its pieces of at most this share of the crop's height. */
  maxGap: 0.35,
  /** Marks before or after the stroke: at most this many, this many crop heights away at most. */
  maxMarks: 3,
  markReach: 1,
  /** The stroke's column profile repeats at the dash pitch at least this clearly (normalised autocorrelation). */
  minPeriodicity: 0.3,
  /** A hyphen's advance is at most this share of the crop's height, its bar at least this share of the advance. */
  maxPitch: 0.6,
  minDuty: 0.3,
  /** A blank between the marks and the stroke of this many dash pitches is a space. */
  spaceGap: 0.7,
  /** Ink down to this share of the crop's strongest contrast. */
  faintInk: 0.33,
} as const;

/**
 * The banner `crop` shows, where its reading `text` is one (see DASH_BANNER), or read as nothing
 * where `mayBeUnread` (a box put round a ruled line, rule-boxes.ts); undefined otherwise.
 */
export function dashBanner(crop: Rgb, text: string, mayBeUnread = false): string | undefined {
  const read = text.trim() ? DASH_BANNER.reading.exec(text.trim()) : mayBeUnread ? ['', '', '', ''] : null;
  if (!read) return undefined;
  const ground = groundOf(crop);
  const mask = faintInk(crop, ground);
  const h = crop.height;
  const blobs = [...inkBlobs(mask)].sort((a, b) => a.x0 - b.x0);
  const stroke = longestStroke(blobs, h);
  if (!stroke || stroke.x1 - stroke.x0 + 1 < DASH_BANNER.minLength * h) return undefined;
  const rest = blobs.filter((b) => !stroke.pieces.includes(b));
  // Nothing over or under the stroke (struck-out text, a table's cells).
  if (rest.some((b) => b.x1 >= stroke.x0 && b.x0 <= stroke.x1)) return undefined;
  const before = rest.filter((b) => b.x1 < stroke.x0);
  const after = rest.filter((b) => b.x0 > stroke.x1);
  const reach = DASH_BANNER.markReach * h;
  if (before.length > DASH_BANNER.maxMarks || after.length > DASH_BANNER.maxMarks) return undefined;
  if (before.length && stroke.x0 - Math.max(...before.map((b) => b.x1)) > reach) return undefined;
  if (after.length && Math.min(...after.map((b) => b.x0)) - stroke.x1 > reach) return undefined;
  const { inkHeight } = inkProfile(mask);
  const prefix = marksOf(before, read[1]!, mask, inkHeight);
  const suffix = marksOf(after, read[3]!, mask, inkHeight);
  const pitch = dashPitch(crop, stroke, ground);
  // Hyphens: a short advance, mostly inked (a dashed border's dashes are neither).
  if (pitch === undefined || pitch.pitch > DASH_BANNER.maxPitch * h || pitch.duty < DASH_BANNER.minDuty) return undefined;
  // The stroke runs from the first dash's ink to the last one's: one blank between dashes short of whole pitches.
  const n = Math.round((stroke.x1 - stroke.x0 + 1) / pitch.pitch + 1 - pitch.duty);
  const spaced = (gap: number) => (gap >= DASH_BANNER.spaceGap * pitch.pitch ? ' ' : '');
  const lead = prefix ? prefix + spaced(stroke.x0 - Math.max(...before.map((b) => b.x1)) - 1) : '';
  const trail = suffix ? spaced(Math.min(...after.map((b) => b.x0)) - stroke.x1 - 1) + suffix : '';
  return lead + '-'.repeat(n) + trail;
}

interface Stroke {
  x0: number;
  x1: number;
  top: number;
  bottom: number;
  pieces: Blob[];
}

/** The longest chain of thin blobs on one band of rows, each a small gap from the next. */
function longestStroke(blobs: readonly Blob[], h: number): Stroke | undefined {
  const thick = Math.max(2, DASH_BANNER.maxThick * h);
  const flat = blobs.filter((b) => b.bottom - b.top + 1 <= thick && b.x1 - b.x0 + 1 >= 2 * (b.bottom - b.top + 1));
  let best: Stroke | undefined;
  for (const first of flat) {
    const s: Stroke = { ...first, pieces: [first] };
    for (const b of flat) {
      if (b.x0 <= s.x1 || b.x0 - s.x1 - 1 > DASH_BANNER.maxGap * h) continue;
      if (Math.max(s.bottom, b.bottom) - Math.min(s.top, b.top) + 1 > thick) continue;
      s.pieces.push(b);
      s.x1 = b.x1;
      s.top = Math.min(s.top, b.top);
      s.bottom = Math.max(s.bottom, b.bottom);
    }
    if (!best || s.x1 - s.x0 > best.x1 - best.x0) best = s;
  }
  return best;
}

/** The marks' text: slashes where every blob is one, else the reading's (a lost `#` stays lost). */
function marksOf(blobs: readonly Blob[], read: string, mask: Mask, inkHeight: number): string {
  if (!blobs.length) return '';
  return blobs.every((b) => isSlash(mask, b, inkHeight)) ? '/'.repeat(blobs.length) : read;
}

/** The crop's background luminance: its median. */
function groundOf(crop: Rgb): number {
  const lums: number[] = [];
  for (let i = 0; i < crop.width * crop.height; i += 3) lums.push(luminanceAt(crop, i));
  lums.sort((a, b) => a - b);
  return lums[lums.length >> 1]!;
}

/**
 * Ink down to its faint edge (a third of the crop's strongest contrast): the thin strokes of a
 * serif font's slashes fall apart into specks under a plain threshold, and the marks are counted
 * as blobs.
 */
function faintInk(crop: Rgb, ground: number): Mask {
  const n = crop.width * crop.height;
  const contrast = new Float32Array(n);
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, (contrast[i] = Math.abs(luminanceAt(crop, i) - ground)));
  const ink = new Uint8Array(n);
  for (let i = 0; i < n; i++) ink[i] = peak > 0 && contrast[i]! >= DASH_BANNER.faintInk * peak ? 1 : 0;
  return { ink, width: crop.width, height: crop.height };
}

/**
 * The dash pitch: the period of the stroke's column darkness (a hyphen's bar, then the faint or
 * blank column to the next), found as the autocorrelation's first clear peak and refined on its
 * multiples along the stroke.
 */
function dashPitch(crop: Rgb, s: Stroke, ground: number): { pitch: number; duty: number } | undefined {
  const p: number[] = [];
  for (let x = s.x0; x <= s.x1; x++) {
    let v = 0;
    for (let y = s.top; y <= s.bottom; y++) v += Math.abs(luminanceAt(crop, y * crop.width + x) - ground);
    p.push(v);
  }
  const mean = p.reduce((a, b) => a + b, 0) / p.length;
  const d = p.map((v) => v - mean);
  const energy = d.reduce((a, v) => a + v * v, 0);
  if (energy === 0) return undefined;
  const r = (lag: number) => {
    let sum = 0;
    for (let x = 0; x + lag < d.length; x++) sum += d[x]! * d[x + lag]!;
    return sum / energy;
  };
  let lag = -1;
  for (let l = 2; l < Math.min(crop.height, d.length / 4); l++) {
    if (r(l) >= DASH_BANNER.minPeriodicity && r(l) >= r(l - 1) && r(l) >= r(l + 1)) {
      lag = l;
      break;
    }
  }
  if (lag < 0) return undefined;
  let pitch = lag;
  for (let k = 2; k * pitch < d.length / 2; k *= 2) {
    const at = Math.round(k * pitch);
    let best = at;
    for (let l = at - 1; l <= at + 1; l++) if (r(l) > r(best)) best = l;
    pitch = best / k;
  }
  // The share of each pitch a dash's bar fills.
  const top = Math.max(...p);
  const duty = p.filter((v) => v >= top / 2).length / p.length;
  return { pitch, duty };
}
