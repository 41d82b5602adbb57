import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRegion } from './decode';
import { acceptReading, tokenCrop, uncoveredTokens } from './lone-glyphs';
import { OcrPipeline } from './pipeline';
import type { Rect, Rgb } from './raster';
import { renderSvgs, textSvg } from './test-render';

const MONO = 'DejaVu Sans Mono';
const ROWS = ['ii  libtsan2:amd64     12.2.0-14   amd64', 'ii  libubsan1:amd64    12.2.0-14   amd64', 'ii  libudev1:amd64     252.39-1    amd64'];
/** Boxes as the detector draws them (grown past the glyphs) for the three rows above, 16 px text at baselines 30, 56, 82. */
const ROW_BOXES: Rect[] = ROWS.map((_, k) => [8, 14 + 26 * k, 412, 36 + 26 * k]);

/** A terminal row's lone trailing letter, far right of the rest, on a dark page. */
const terminal = (extra: string) =>
  textSvg(640, 100, [...ROWS.map((text, k) => ({ text, x: 12, y: 30 + 26 * k, size: 16, family: MONO, fill: '#4ec94e' })), { text: extra, x: 560, y: 56, size: 16, family: MONO, fill: '#4ec94e' }], '#101010');
/** The same rows, with a filled square (an icon) and a long rule where the glyph was. */
const iconAndRule = textSvg(640, 100, ROWS.map((text, k) => ({ text, x: 12, y: 30 + 26 * k, size: 16, family: MONO, fill: '#4ec94e' })), '#101010').replace(
  '</svg>',
  '<rect x="556" y="42" width="14" height="14" fill="#4ec94e"/><rect x="440" y="90" width="190" height="2" fill="#4ec94e"/></svg>',
);

let lone: Rgb, blob: Rgb, lonePng: Buffer, blobPng: Buffer;
let pipeline: OcrPipeline;

beforeAll(async () => {
  [lonePng, blobPng] = renderSvgs([terminal('U'), iconAndRule]) as [Buffer, Buffer];
  lone = (await decodeRegion(lonePng)).rgb;
  blob = (await decodeRegion(blobPng)).rgb;
  pipeline = await OcrPipeline.load();
}, 120_000);

afterAll(async () => {
  await pipeline?.release();
});

describe('uncovered ink', () => {
  it('finds a lone glyph no box covers, and frames it on its row', () => {
    const tokens = uncoveredTokens(lone, ROW_BOXES);
    expect(tokens).toHaveLength(1);
    const [x0, y0, x1, y1] = tokens[0]!;
    expect(x0).toBeGreaterThanOrEqual(558);
    expect(x1).toBeLessThanOrEqual(574);
    expect(y1 - y0).toBeGreaterThan(8);
    const crop = tokenCrop(tokens[0]!, ROW_BOXES, lone);
    expect(crop[1]).toBe(ROW_BOXES[1]![1]);
    expect(crop[3]).toBe(ROW_BOXES[1]![3]);
    expect(crop[0]).toBeLessThan(x0);
  });

  it('ignores ink under the boxes, a filled icon and a long rule', () => {
    expect(uncoveredTokens(blob, ROW_BOXES)).toEqual([]);
    expect(uncoveredTokens(lone, [...ROW_BOXES, [550, 40, 580, 62]])).toEqual([]);
  });

  it('accepts only confident ASCII readings with a letter or digit', () => {
    expect(acceptReading('0', 0.95)).toBe(true);
    expect(acceptReading('T', 0.6)).toBe(false);
    expect(acceptReading('----+', 0.99)).toBe(false);
    expect(acceptReading('丨', 0.99)).toBe(false);
  });
});

describe('lone glyphs in the pipeline', () => {
  it('reads a lone letter at the end of a terminal row', async () => {
    const out = await pipeline.recognizeBytes(lonePng);
    const row = out.text.split('\n').find((l) => l.includes('libubsan'));
    expect(row).toMatch(/amd64\s+U$/);
  }, 60_000);

  it('gives an icon and a rule no text', async () => {
    const out = await pipeline.recognizeBytes(blobPng);
    expect(out.text.split('\n').map((l) => l.trimEnd().split(/\s+/).pop())).toEqual(['amd64', 'amd64', 'amd64']);
  }, 60_000);
});
