import { beforeAll, describe, expect, it } from 'vitest';
import { cellAt, columnProfile, findCharGrid, inkTest } from './char-grid';
import { renderMonoPages, type MonoPage } from './grid-test-render';
import { renderSvgs, textSvg } from './test-render';
import { decodeRegion } from './decode';
import type { Rgb } from './raster';

let mono: MonoPage;
let prose: Rgb;

beforeAll(async () => {
  mono = (await renderMonoPages([
    {
      lines: ['drwxr-xr-x  2 root     root      4096 Jun 24  2025 environment.d', '-rw-r--r--  1 root     root      1853 Oct 17  2022 ethertypes', '  -s, --no-messages         suppress error messages'],
      size: 14,
    },
  ]))[0]!;
  const [png] = renderSvgs([
    textSvg(900, 120, [
      { text: 'The quick brown fox jumps over the lazy dog near the river bank.', x: 20, y: 40, size: 18 },
      { text: 'Proportional type has no common character grid at all, willingly.', x: 20, y: 80, size: 18 },
    ]),
  ]);
  prose = (await decodeRegion(new Uint8Array(png!))).rgb;
});

describe('character grid from pixels', () => {
  it('measures a terminal pitch to a hundredth of a pixel and puts the cell edges', () => {
    const h = mono.boxes[0]![3] - mono.boxes[0]![1];
    const grid = findCharGrid(columnProfile(mono.rgb, inkTest(mono.rgb), mono.boxes), 0.32 * h, 0.7 * h)!;
    expect(grid).toBeDefined();
    expect(Math.abs(grid.pitch - mono.pitch)).toBeLessThan(0.02);
    // The first cell starts where the text starts: the 60th cell is still the 60th.
    expect(cellAt(grid, mono.left + 0.5 * mono.pitch)).toBe(cellAt(grid, mono.left + 0.5 * mono.pitch + 59 * mono.pitch) - 59);
    const phase = (((mono.left - grid.origin) % grid.pitch) + grid.pitch) % grid.pitch;
    expect(Math.min(phase, grid.pitch - phase)).toBeLessThan(0.25 * grid.pitch);
  });

  it('finds no grid in proportional text', () => {
    const boxes: Array<[number, number, number, number]> = [
      [16, 22, 880, 48],
      [16, 62, 880, 88],
    ];
    expect(findCharGrid(columnProfile(prose, inkTest(prose), boxes), 0.32 * 26, 0.7 * 26, 0.18)).toBeUndefined();
  });

  it('needs twenty cells of text to tell', () => {
    const profile = new Float64Array(200);
    for (let x = 0; x < 100; x++) profile[x] = x % 8 < 4 ? 3 : 0;
    expect(findCharGrid(profile, 6, 12)).toBeUndefined();
  });
});
