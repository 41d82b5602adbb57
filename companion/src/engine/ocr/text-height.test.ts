import { describe, expect, it } from 'vitest';
import { decodeRegion } from './decode';
import { largeTextScale, textRowHeights } from './text-height';
import { renderSvgs, textSvg } from './test-render';

const LINE = 'The quick brown fox jumps over the lazy dog 0123456789';

async function page(size: number, dpr: number, bars = false) {
  const lineH = Math.round(size * 1.6);
  const items = [0, 1, 2, 3].map((k) => ({ text: LINE, x: 12, y: (k + 1) * lineH, size }));
  let svg = textSvg(900, 5 * lineH, items);
  // Table bars down every row, as a box-drawing table has.
  if (bars) svg = svg.replace('</svg>', [8, 300, 600].map((x) => `<rect x="${x}" y="0" width="1" height="${5 * lineH}" fill="#111"/>`).join('') + '</svg>');
  if (dpr !== 1) svg = svg.replace(/^<svg ([^>]*)width="(\d+)" height="(\d+)"/, (_, a: string, w: string, h: string) => `<svg ${a}width="${+w * dpr}" height="${+h * dpr}" viewBox="0 0 ${w} ${h}"`);
  const [png] = renderSvgs([svg]);
  return (await decodeRegion(png!)).rgb;
}

describe('largeTextScale', () => {
  it('finds one row per text line, about the height of its ink', async () => {
    const rows = textRowHeights(await page(14, 1)).filter((h) => h >= 6);
    expect(rows).toHaveLength(4);
    for (const h of rows) expect(h).toBeGreaterThanOrEqual(9);
    for (const h of rows) expect(h).toBeLessThanOrEqual(18);
  });
  it('halves detection for 14 px text at DPR 2, not at DPR 1', async () => {
    expect(largeTextScale(await page(14, 1))).toBe(1);
    expect(largeTextScale(await page(14, 2))).toBe(0.5);
  });
  it('does not join table rows through their bars', async () => {
    const img = await page(13, 1, true);
    expect(textRowHeights(img).filter((h) => h >= 6)).toHaveLength(4);
    expect(largeTextScale(img)).toBe(1);
  });
});
