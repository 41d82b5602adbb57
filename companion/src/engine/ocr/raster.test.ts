import { describe, expect, it } from 'vitest';
import { padToWidth, type Rgb } from './raster';

const rgb = (width: number, height: number, pixels: number[][]): Rgb => ({ data: Uint8Array.from(pixels.flat()), width, height });

describe('padToWidth', () => {
  it('centres the crop and repeats its edge columns on both sides', () => {
    // 2×1: a red pixel, then a blue one.
    const out = padToWidth(rgb(2, 1, [[255, 0, 0], [0, 0, 255]]), 5);
    expect([out.width, out.height]).toEqual([5, 1]);
    // Three columns to add: one on the left, two on the right.
    expect([...out.data]).toEqual([255, 0, 0, 255, 0, 0, 0, 0, 255, 0, 0, 255, 0, 0, 255]);
  });

  it('pads every row from its own edges', () => {
    const out = padToWidth(rgb(1, 2, [[10, 10, 10], [200, 200, 200]]), 3);
    expect([...out.data]).toEqual([10, 10, 10, 10, 10, 10, 10, 10, 10, 200, 200, 200, 200, 200, 200, 200, 200, 200]);
  });

  it('leaves a crop that is already wide enough as it is', () => {
    const img = rgb(3, 1, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
    expect(padToWidth(img, 3)).toBe(img);
    expect(padToWidth(img, 2.5)).toBe(img);
  });
});
