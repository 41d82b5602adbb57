import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CtcChar } from './ctc';
import { keepsCharacters, prefersBare, rereadLoneGlyphs } from './lone-glyphs';
import { OcrPipeline } from './pipeline';
import { cropRgb, padToWidth, type Rect, type Rgb } from './raster';
import type { Recognised, Recognizer } from './recognizer';
import { renderSvgs, textSvg } from './test-render';

const read = (text: string, score: number): Recognised => ({ chars: [...text].map((char, start): CtcChar => ({ char, start, end: start + 1, prob: score }) as CtcChar), score, pxPerStep: 4, steps: 10 });

/** A Debian package list in a green-on-black terminal: each row's last column is one letter, far right. */
const PACKAGE_LIST = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../test/fixtures/ocr-corpus/tune/c_en-020-term-green.png');
const MONO = 'DejaVu Sans Mono';
const ROWS = ['ii  libtsan2:amd64     12.2.0-14   amd64', 'ii  libubsan1:amd64    12.2.0-14   amd64', 'ii  libudev1:amd64     252.39-1    amd64'];
/** The same kind of rows with a bullet and a filled square (icons) where the lone letters would be. */
const icons = textSvg(640, 100, ROWS.map((text, k) => ({ text, x: 12, y: 30 + 26 * k, size: 16, family: MONO, fill: '#4ec94e' })), '#101010').replace(
  '</svg>',
  '<circle cx="566" cy="50" r="5" fill="#4ec94e"/><rect x="559" y="69" width="14" height="14" fill="#4ec94e"/></svg>',
);

let pipeline: OcrPipeline;
let iconPng: Buffer;

beforeAll(async () => {
  [iconPng] = renderSvgs([icons]) as [Buffer];
  pipeline = await OcrPipeline.load();
}, 120_000);

afterAll(async () => {
  await pipeline?.release();
});

describe('choosing the unpadded reading of a lone glyph', () => {
  it('takes a sure reading where the padded crop read nothing or the same, less surely', () => {
    expect(prefersBare(read('', 0), read('U', 0.75))).toBe(true);
    expect(prefersBare(read('T', 0.69), read('T', 0.97))).toBe(true);
    expect(prefersBare(read('X', 0.87), read('%X', 0.89))).toBe(true);
  });

  it('keeps the padded reading when the other is unsure, less sure, or loses or changes a character', () => {
    expect(prefersBare(read('', 0), read('0', 0.65))).toBe(false);
    expect(prefersBare(read('M', 0.95), read('M', 0.9))).toBe(false);
    expect(prefersBare(read('-T,', 0.8), read('T,', 0.95))).toBe(false);
    expect(prefersBare(read('*', 0.6), read('k', 0.9))).toBe(false);
  });

  it('checks characters in order', () => {
    expect(keepsCharacters('ab', 'xaby')).toBe(true);
    expect(keepsCharacters('ba', 'ab')).toBe(false);
    expect(keepsCharacters('', 'a')).toBe(true);
  });
});

describe('which crops are read again', () => {
  it('only those padToWidth widened, not a wide crop whose box has fractional edges', async () => {
    const page: Rgb = { data: new Uint8Array(200 * 20 * 3).fill(255), width: 200, height: 20 };
    // 39.9 px wide, cropped to 41 whole pixels: not padded.
    const rects: Rect[] = [[10.6, 0, 50.5, 20], [120.2, 0, 130.7, 20]];
    const crops = rects.map((r) => padToWidth(cropRgb(page, r), 2 * 20));
    expect(crops.map((c) => c.width)).toEqual([41, 40]);
    const asked: number[] = [];
    const recognizer = { recognize: async (bare: Rgb[]) => (asked.push(...bare.map((c) => c.width)), bare.map(() => read('', 0))) } as unknown as Recognizer;
    await rereadLoneGlyphs(recognizer, page, rects, crops, [read('a', 0.5), read('', 0)], [false, false]);
    expect(asked).toEqual([11]);
  });
});

describe('lone glyphs in the pipeline', () => {
  it('reads the lone letters at the ends of terminal rows', async () => {
    const out = await pipeline.recognizeBytes(await readFile(PACKAGE_LIST));
    const ending = (name: string) => out.text.split('\n').find((l) => l.includes(name))?.trimEnd().slice(-1);
    expect(ending('libubsan')).toBe('U');
    expect(ending('libuchardet')).toBe('u');
    expect(ending('libtsan2')).toBe('T');
  }, 60_000);

  it('gives a bullet and a filled square no text', async () => {
    const out = await pipeline.recognizeBytes(iconPng);
    expect(out.text.split('\n').map((l) => l.trimEnd().split(/\s+/).pop())).toEqual(['amd64', 'amd64', 'amd64']);
  }, 60_000);
});
