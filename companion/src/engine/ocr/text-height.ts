import type { Rgb } from './raster';

/**
 * Heights of the image's text rows, cheaply: a row crossing text has many sharp
 * light/dark steps, and a line of text is a run of such rows (blank or flat rows between
 * lines, such as a code block's background, have none; a table's bars alone have too few to
 * count, so they don't join its rows into one). Used to detect large text
 * (a screenshot at device pixel ratio 2) at a lower resolution.
 */
export function textRowHeights(img: Rgb, minSteps = 12, step = 40): number[] {
  const { data, width, height } = img;
  const heights: number[] = [];
  let run = 0;
  for (let y = 0; y <= height; y++) {
    let steps = 0;
    if (y < height) {
      let prev = -1;
      for (let x = 0, i = y * width * 3; x < width && steps < minSteps; x++, i += 3) {
        const lum = (data[i]! * 77 + data[i + 1]! * 150 + data[i + 2]! * 29) >> 8;
        if (prev >= 0 && Math.abs(lum - prev) > step) steps++;
        prev = lum;
      }
    }
    if (steps >= minSteps) run++;
    else {
      if (run) heights.push(run);
      run = 0;
    }
  }
  return heights;
}

/**
 * Detection scale for large text: 0.5 when the median text row (of those at least 6 px tall)
 * is 21 px or more, else 1. At half scale such rows are still as tall as the 10–12 px rows of UI text at
 * full scale, which the detector reads well (on the OCR corpora, DPR 1 pages have medians of 8–19 px, DPR 2 pages 18–35).
 */
export function largeTextScale(img: Rgb, minHeight = 21): number {
  const rows = textRowHeights(img).filter((h) => h >= 6).sort((a, b) => a - b);
  if (rows.length < 3) return 1;
  return rows[rows.length >> 1]! >= minHeight ? 0.5 : 1;
}
