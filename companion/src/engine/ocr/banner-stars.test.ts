import { describe, expect, it } from 'vitest';
import { restoreBannerStars } from './banner-stars';

const run = (read: string, inkedAt: number[]) => {
  const cells = [...read];
  restoreBannerStars(cells, (i) => inkedAt.includes(i));
  return cells.join('');
};

describe('the stars of a block comment banner read blank', () => {
  const read = '/  ' + '='.repeat(12) + ' /';
  it('are written where their cells are inked, beside the slashes', () => {
    expect(run(read, [0, 1, 15, 16])).toBe('/* ' + '='.repeat(12) + '*/');
    expect(run('/ ' + '-'.repeat(10) + ' /', [0, 1, 12, 13])).toBe('/*' + '-'.repeat(10) + '*/');
  });
  it('are not made up in empty cells or on other lines', () => {
    expect(run(read, [0, 16])).toBe(read);
    expect(run('a  ' + '='.repeat(12) + ' /', [0, 1, 15, 16])).toBe('a  ' + '='.repeat(12) + ' /');
    expect(run('/ == /', [0, 1, 4, 5])).toBe('/ == /');
  });
});
