import { decodeRegion } from './decode';
import type { Rect, Rgb } from './raster';
import { renderSvgs, textSvg } from './test-render';

/** Test helper: lines of DejaVu Sans Mono as a terminal draws them, and each line's box as the detector would give it. */
export interface MonoPage {
  rgb: Rgb;
  /** The font's advance: 1233/2048 em. */
  pitch: number;
  /** x of the first cell's left edge. */
  left: number;
  /** Per line: the band a text box covers, across the line's inked width (ignoring leading spaces). */
  boxes: Rect[];
}

export async function renderMonoPages(pages: Array<{ lines: string[]; size?: number; fg?: string; bg?: string }>): Promise<MonoPage[]> {
  const svgs = pages.map(({ lines, size = 16, fg = '#d4d4d4', bg = '#1e1e1e' }) => {
    const pitch = (1233 / 2048) * size;
    const width = Math.ceil(20 + Math.max(...lines.map((l) => l.length)) * pitch + 20);
    return textSvg(width, Math.ceil(20 + lines.length * 1.25 * size + 10), lines.map((text, i) => ({ text, x: 20, y: 10 + (i + 1) * 1.25 * size, size, fill: fg, family: 'DejaVu Sans Mono' })), bg);
  });
  const pngs = renderSvgs(svgs);
  return Promise.all(
    pngs.map(async (png, k) => {
      const { lines, size = 16 } = pages[k]!;
      const pitch = (1233 / 2048) * size;
      const { rgb } = await decodeRegion(new Uint8Array(png));
      const boxes = lines.map((l, i): Rect => {
        const base = 10 + (i + 1) * 1.25 * size;
        const lead = l.length - l.trimStart().length;
        return [Math.round(20 + lead * pitch - 3), Math.round(base - 0.95 * size), Math.round(20 + l.trimEnd().length * pitch + 3), Math.round(base + 0.3 * size)];
      });
      return { rgb, pitch, left: 20, boxes };
    }),
  );
}
