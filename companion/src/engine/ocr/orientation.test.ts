import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OcrPipeline } from './pipeline';
import { rotate180, rotate90ccw } from './orientation';
import { renderSvgs } from './test-render';

const rotated = (w: number, h: number, angle: number, text: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><rect width="100%" height="100%" fill="#fff"/>` +
  `<text x="${w / 2}" y="${h / 2}" text-anchor="middle" dominant-baseline="middle" font-family="DejaVu Sans" font-size="22" fill="#111" transform="rotate(${angle} ${w / 2} ${h / 2})">${text}</text></svg>`;

let pipeline: OcrPipeline;
let upsideDown: Buffer, vertical: Buffer;

beforeAll(async () => {
  [upsideDown, vertical] = renderSvgs([rotated(520, 90, 180, 'Shipping address confirmed'), rotated(90, 520, -90, 'Shipping address confirmed')]) as [Buffer, Buffer];
  pipeline = await OcrPipeline.load();
}, 120_000);

afterAll(async () => {
  await pipeline?.release();
});

describe('rotated text', () => {
  it('rotates pixels', () => {
    const img = { data: new Uint8Array([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6]), width: 3, height: 2 };
    expect([...rotate180(img).data].filter((_, i) => i % 3 === 0)).toEqual([6, 5, 4, 3, 2, 1]);
    const r = rotate90ccw(img);
    expect([r.width, r.height]).toEqual([2, 3]);
    // Row 0 becomes the first column read bottom-up: [[3,6],[2,5],[1,4]].
    expect([...r.data].filter((_, i) => i % 3 === 0)).toEqual([3, 6, 2, 5, 1, 4]);
  });

  it('reads an upside-down line with the direction classifier', async () => {
    expect((await pipeline.recognizeBytes(upsideDown)).text).toBe('Shipping address confirmed');
  });

  it('reads a line written bottom to top', async () => {
    expect((await pipeline.recognizeBytes(vertical)).text).toBe('Shipping address confirmed');
  });
});
