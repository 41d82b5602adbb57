import { borderColor } from './detector';
import type { Rect, Rgb } from './raster';

/**
 * The character grid of monospace text, measured from pixels: in a terminal every glyph sits in
 * a cell of one pitch, so the ink of all its lines, summed per pixel column, repeats with that
 * pitch. The pitch is the period whose Fourier component is strongest (short table cells —
 * "3", "root" — that the recogniser cannot time alone still add to it), and the component's
 * phase puts the cells' left edges. Proportional text has no such period.
 */
export interface CharGrid {
  /** Cell width in image pixels. */
  pitch: number;
  /** x of a cell's left edge (any cell: the grid repeats every `pitch`). */
  origin: number;
  /** Share of the profile's variation the period explains: about 0.2–0.4 for terminal text, under 0.15 for proportional text. */
  strength: number;
}

const INK_TOLERANCE = 60;

export type InkTest = (x: number, y: number) => boolean;

const inkMasks = new WeakMap<Rgb, Uint8Array>();

/** Ink: pixels clearly off the page's background (the colour along the image border); 1 per ink pixel, row by row, computed once per image. */
export function inkPixels(img: Rgb): Uint8Array {
  let mask = inkMasks.get(img);
  if (mask) return mask;
  const [r, g, b] = borderColor(img);
  const d = img.data;
  mask = new Uint8Array(img.width * img.height);
  for (let p = 0, i = 0; p < mask.length; p++, i += 3) mask[p] = Math.abs(d[i]! - r) + Math.abs(d[i + 1]! - g) + Math.abs(d[i + 2]! - b) > INK_TOLERANCE ? 1 : 0;
  inkMasks.set(img, mask);
  return mask;
}

/** `inkPixels` as a test of one pixel. */
export function inkTest(img: Rgb): InkTest {
  const mask = inkPixels(img);
  const w = img.width;
  return (x, y) => mask[y * w + x] === 1;
}

/** Inked pixels per image column over the middle half (x-height band) of each rectangle. */
export function columnProfile(img: Rgb, ink: InkTest, rects: readonly Rect[]): Float64Array {
  const profile = new Float64Array(img.width);
  for (const r of rects) {
    const h = r[3] - r[1];
    const y0 = Math.max(0, Math.round(r[1] + 0.25 * h));
    const y1 = Math.min(img.height, Math.round(r[3] - 0.25 * h));
    const x0 = Math.max(0, Math.floor(r[0]));
    const x1 = Math.min(img.width, Math.ceil(r[2]));
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (ink(x, y)) profile[x]!++;
  }
  return profile;
}

/** The profile less its mean over [from, to), and its total variation. */
function centred(profile: Float64Array, from: number, to: number): { v: Float64Array; total: number } {
  let mean = 0;
  for (let x = from; x < to; x++) mean += profile[x]!;
  mean /= Math.max(1, to - from);
  const v = new Float64Array(Math.max(0, to - from));
  let total = 0;
  for (let x = from; x < to; x++) {
    v[x - from] = profile[x]! - mean;
    total += Math.abs(v[x - from]!);
  }
  return { v, total };
}

/** Component of period `pitch` of the centred signal starting at pixel column `from` (a rotating phasor, no trigonometry per pixel). */
function component(v: Float64Array, total: number, from: number, pitch: number): { strength: number; phase: number } {
  const w = (2 * Math.PI) / pitch;
  const c = Math.cos(w), s = Math.sin(w);
  // e^{-iωx} at x = from, stepped by e^{-iω}.
  let zr = Math.cos(w * from), zi = -Math.sin(w * from);
  let re = 0, im = 0;
  for (let k = 0; k < v.length; k++) {
    re += v[k]! * zr;
    im += v[k]! * zi;
    const nr = zr * c + zi * s;
    zi = zi * c - zr * s;
    zr = nr;
  }
  return { strength: total > 0 ? Math.hypot(re, im) / total : 0, phase: Math.atan2(im, re) };
}

/** Magnitude (normalised by the profile's total variation) and phase of the profile's component of period `pitch`. */
export function periodComponent(profile: Float64Array, pitch: number, from = 0, to = profile.length): { strength: number; phase: number } {
  const { v, total } = centred(profile, from, to);
  return component(v, total, from, pitch);
}

/** The profile's inked extent: [first, last + 1) columns with any ink. */
function extent(profile: Float64Array): [number, number] {
  let from = 0, to = profile.length;
  while (from < to && profile[from] === 0) from++;
  while (to > from && profile[to - 1] === 0) to--;
  return [from, to];
}

/**
 * The grid of the text in `rects` (boxes of lines of one size), or undefined when no period
 * between `minPitch` and `maxPitch` stands out (proportional text, too little text).
 */
export function findCharGrid(profile: Float64Array, minPitch: number, maxPitch: number, minStrength = 0.18): CharGrid | undefined {
  const [from, to] = extent(profile);
  // Twenty cells at least: fewer cannot pin a pitch to the hundredth of a pixel a wide table needs.
  if (to - from < 20 * minPitch) return undefined;
  const { v, total } = centred(profile, from, to);
  const at = (p: number) => component(v, total, from, p);
  let best = { pitch: 0, strength: 0 };
  // Steps fine enough that the peak (about pitch²/span wide) cannot fall between two of them.
  const coarse = Math.max(0.005, (minPitch * minPitch) / (to - from) / 4);
  for (let p = minPitch; p <= maxPitch; p += coarse) {
    const { strength } = at(p);
    if (strength > best.strength) best = { pitch: p, strength };
  }
  if (best.strength < minStrength) return undefined;
  // A whole multiple of the true period has no component of its own; half the pitch (the second
  // harmonic) can be strong, so a peak at twice the found pitch that is nearly as strong wins.
  const double = at(2 * best.pitch);
  if (2 * best.pitch <= maxPitch && double.strength >= 0.8 * best.strength) best = { pitch: 2 * best.pitch, strength: double.strength };
  for (let p = best.pitch - coarse; p <= best.pitch + coarse; p += coarse / 20) {
    const { strength } = at(p);
    if (strength > best.strength) best = { pitch: p, strength };
  }
  const { phase } = at(best.pitch);
  // Ink peaks at the cells' centres: centre = -phase / ω (mod pitch); the edge is half a cell before.
  const centre = (-phase / (2 * Math.PI)) * best.pitch;
  const origin = ((((centre - best.pitch / 2) % best.pitch) + best.pitch) % best.pitch);
  return { pitch: best.pitch, origin, strength: best.strength };
}

/** The cell holding x on the grid (cell 0 starts at the grid's origin). */
export const cellAt = (grid: CharGrid, x: number): number => Math.floor((x - grid.origin) / grid.pitch);
