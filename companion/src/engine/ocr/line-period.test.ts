import { describe, expect, it } from 'vitest';
import { decodeRegion } from './decode';
import { linePeriod, proportionalOnPitch } from './line-period';
import { renderSvgs, textSvg } from './test-render';

/** GitHub's code block font and size: DejaVu Sans Mono at 13.6 px, an advance of 1233/2048 em. */
const CODE_PITCH = (1233 / 2048) * 13.6;

async function lineCrops(lines: Array<{ text: string; family: string; size: number }>) {
  const svgs = lines.map(({ text, family, size }) => textSvg(Math.ceil(24 + text.length * size * 0.65), Math.ceil(1.5 * size), [{ text, x: 12, y: Math.round(1.1 * size), size, family, fill: '#e6edf3' }], '#0d1117'));
  return Promise.all(renderSvgs(svgs).map(async (png) => (await decodeRegion(new Uint8Array(png))).rgb));
}

const chars = (text: string) => [...text].map((char) => ({ char }));

describe('a line put on its neighbours\' monospace pitch', () => {
  it('is proportional when its own ink has no period there (GitHub sans under a code block)', async () => {
    const lines = ['$ node example.js -a run b -x y', "{ _: [ 'b' ], a: 'run', x: 'y' }", 'After installation the only thing you need to do is require the module:'];
    const crops = await lineCrops(lines.map((text) => ({ text, family: 'Liberation Sans', size: 16 })));
    crops.forEach((crop, k) => {
      expect(linePeriod(crop, CODE_PITCH).strength).toBeLessThan(0.1);
      expect(proportionalOnPitch(crop, CODE_PITCH, chars(lines[k]!))).toBe(true);
    });
  });

  it('keeps the grid for code in the block\'s own font, short lines and Chinese', async () => {
    const code = ["parser.add_argument('-f', '--foo', { help: 'foo bar' });", 'Most common usage:', '* key: `halt-at-non-option`.'];
    const crops = await lineCrops(code.map((text) => ({ text, family: 'DejaVu Sans Mono', size: 13.6 })));
    crops.forEach((crop, k) => {
      expect(linePeriod(crop, CODE_PITCH).strength).toBeGreaterThan(0.15);
      expect(proportionalOnPitch(crop, CODE_PITCH, chars(code[k]!))).toBe(false);
    });
    const [short] = await lineCrops([{ text: 'line.', family: 'Liberation Sans', size: 16 }]);
    expect(proportionalOnPitch(short!, CODE_PITCH, chars('line.'))).toBe(false);
    const [chinese] = await lineCrops([{ text: '输出的同时打印行号', family: 'Noto Sans CJK SC', size: 16 }]);
    expect(proportionalOnPitch(chinese!, CODE_PITCH, chars('输出的同时打印行号'))).toBe(false);
  });
});
