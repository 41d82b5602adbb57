import { describe, expect, it } from 'vitest';
import { growComponent } from './ink-components';

/** A 6×4 grid: '#' is ink. */
const GRID = ['##...#', '.#...#', '....#.', '##....'];
const W = 6;
const ink = (q: number) => GRID[Math.floor(q / W)]![q % W] === '#';

function component(seedX: number, seedY: number, window: readonly [number, number, number, number] = [0, 0, W, GRID.length]): string[] {
  const taken = new Set([seedY * W + seedX]);
  const pixels: string[] = [];
  growComponent(W, window, seedY * W + seedX, (q) => ink(q) && !taken.has(q) && (taken.add(q), true), (x, y) => pixels.push(`${x},${y}`));
  return pixels.sort();
}

describe('growComponent', () => {
  it('joins ink through edges and corners (8-neighbours), each pixel once', () => {
    expect(component(0, 0)).toEqual(['0,0', '1,0', '1,1']);
    expect(component(5, 0)).toEqual(['4,2', '5,0', '5,1']);
  });

  it('stays inside its window', () => {
    expect(component(5, 0, [0, 0, W, 2])).toEqual(['5,0', '5,1']);
    expect(component(1, 0, [1, 0, W, GRID.length])).toEqual(['1,0', '1,1']);
  });
});
