import { cropRgb, cropWidth, type Rect, type Rgb } from './raster';
import type { Recognised, Recognizer } from './recognizer';

/**
 * Lone glyphs (a `U` alone at the end of a terminal row, a `T` in a package list's last column)
 * are detected but read as nothing: the crop is widened with its edge colour (padToWidth) so a
 * lone "}" or table digit reads well, and on some pages that padding makes the recogniser see no
 * glyph at all. Doubtful readings of padded crops are read again as cropped; the re-reading wins
 * only when it is sure, surer than the first, and keeps every character the first had (a re-read
 * that drops the `-` of `-T,` or turns `*` into `k` is a different misreading, not a fix).
 */
export const LONE_GLYPH = {
  /** Padded readings under this score are read again unpadded. */
  doubt: 0.9,
  /** Least score the unpadded reading needs (a bullet `•` reads as `0` at 0.6–0.7). */
  sure: 0.7,
} as const;

const text = (r: Recognised) => r.chars.map((c) => c.char).join('').replace(/\s+/g, '');

/** Whether `inner`'s characters all appear, in order, in `outer`. */
export function keepsCharacters(inner: string, outer: string): boolean {
  let k = 0;
  for (const c of outer) if (k < inner.length && c === inner[k]) k++;
  return k === inner.length;
}

/** Whether the unpadded re-reading replaces the padded one. */
export function prefersBare(padded: Recognised, bare: Recognised): boolean {
  return bare.score >= LONE_GLYPH.sure && bare.score > padded.score && keepsCharacters(text(padded), text(bare));
}

/**
 * Re-reads the doubtful padded crops among `crops` (upright, not turned) unpadded; replaces
 * `recs[i]` and `crops[i]` in place where that reading is preferred.
 */
export async function rereadLoneGlyphs(recognizer: Recognizer, rgb: Rgb, rects: readonly Rect[], crops: Rgb[], recs: Recognised[], turned: readonly boolean[], signal?: AbortSignal): Promise<void> {
  // Only crops padToWidth widened: any other crop is its own bare crop, and reading it again reads the same pixels.
  const lone = recs.map((r, i) => (r.score < LONE_GLYPH.doubt && !turned[i] && crops[i]!.width > cropWidth(rgb, rects[i]!) ? i : -1)).filter((i) => i >= 0);
  if (!lone.length) return;
  const bare = lone.map((i) => cropRgb(rgb, rects[i]!));
  const again = await recognizer.recognize(bare, undefined, signal);
  lone.forEach((i, k) => {
    if (prefersBare(recs[i]!, again[k]!)) {
      recs[i] = again[k]!;
      crops[i] = bare[k]!;
    }
  });
}
