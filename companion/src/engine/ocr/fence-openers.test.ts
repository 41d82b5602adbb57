import { describe, expect, it } from 'vitest';
import { inkTest } from './char-grid';
import { fenceTicksBefore, restoreFenceOpeners } from './fence-openers';
import type { LaidLine } from './layout';
import type { Rgb } from './raster';

const PITCH = 8.4;

/** A dark line crop as Liberation Mono at 14 px draws ```` ```js ````: three 2-row backticks falling right, then two letters' stems. */
function fenceImage(ticks: Array<[number, number][]>, letters = true): Rgb {
  const width = 80, height = 24;
  const data = new Uint8Array(width * height * 3).fill(15);
  const dot = (x: number, y: number) => data.fill(230, (y * width + x) * 3, (y * width + x) * 3 + 3);
  for (const tick of ticks) for (const [x, y] of tick) dot(x, y);
  if (letters) {
    for (let y = 9; y <= 20; y++) {
      dot(44, y);
      dot(45, y);
    }
    for (let y = 9; y <= 17; y++) for (let x = 51; x <= 56; x++) if (y === 9 || y === 13 || y === 17 || x === 51) dot(x, y);
  }
  return { data, width, height };
}

const backtick = (x: number): [number, number][] => [[x, 6], [x + 1, 6], [x + 2, 6], [x + 2, 7], [x + 3, 7]];
const line = (text: string): LaidLine => ({ text, box: [16, 5, 60, 21], score: 0.9, pitch: PITCH });

describe('a fence opener read as its language alone', () => {
  it('gets back the backticks standing a cell apart before the word', () => {
    const img = fenceImage([backtick(18), backtick(26), backtick(35)]);
    expect(fenceTicksBefore(inkTest(img), img, line('js'))).toEqual({ count: 3, x0: 18 });
    expect(restoreFenceOpeners(img, [line('js')])[0]!.text).toBe('```js');
  });

  it('leaves upright marks, two marks, prose and proportional lines alone', () => {
    const upright = (x: number): [number, number][] => [[x, 6], [x, 7], [x, 8]];
    const quotes = fenceImage([upright(19), upright(27), upright(36)]);
    expect(restoreFenceOpeners(quotes, [line('js')])[0]!.text).toBe('js');
    const two = fenceImage([backtick(26), backtick(35)]);
    expect(restoreFenceOpeners(two, [line('js')])[0]!.text).toBe('js');
    const img = fenceImage([backtick(18), backtick(26), backtick(35)]);
    expect(restoreFenceOpeners(img, [line('js done')])[0]!.text).toBe('js done');
    expect(restoreFenceOpeners(img, [{ ...line('js'), pitch: undefined }])[0]!.text).toBe('js');
  });
});
