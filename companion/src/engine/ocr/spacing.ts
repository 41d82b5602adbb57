import type { Recognised } from './recognizer';
import type { Rgb } from './raster';

/** Joins the decoded characters of one line (spacing recovery comes later). */
export function lineText(rec: Recognised, _crop: Rgb): string {
  return rec.chars.map((c) => c.char).join('');
}
