import { describe, expect, it } from 'vitest';
import { FRAME_PIXEL_CAP, LIVE_WINDOW_S, MAX_SAMPLED_FRAMES, MAX_TAB_CAPTURE_FRAMES, chooseFrameTimes, chooseRange, frameSize } from './frame-times';

describe('chooseRange', () => {
  it('is the whole video by default, short or long', () => {
    expect(chooseRange({ duration: 12, currentTime: 4 })).toEqual([0, 12]);
    expect(chooseRange({ duration: 5400, currentTime: 1200 })).toEqual([0, 5400]);
  });

  it('a live stream: the last LIVE_WINDOW_S seconds of its seekable range', () => {
    expect(chooseRange({ duration: Infinity, currentTime: 500, seekable: [100, 500] })).toEqual([500 - LIVE_WINDOW_S, 500]);
    expect(chooseRange({ duration: Infinity, currentTime: 10, seekable: [0, 10] })).toEqual([0, 10]);
  });

  it('a picked range is ordered and clamped to the video; from-now runs a minute or to the end', () => {
    expect(chooseRange({ duration: 60, currentTime: 0 }, { kind: 'range', range: [50, 20] })).toEqual([20, 50]);
    expect(chooseRange({ duration: 60, currentTime: 0 }, { kind: 'range', range: [-5, 90] })).toEqual([0, 60]);
    expect(chooseRange({ duration: 600, currentTime: 100 }, { kind: 'from-now' })).toEqual([100, 160]);
    expect(chooseRange({ duration: 120, currentTime: 100 }, { kind: 'from-now' })).toEqual([100, 120]);
  });
});

describe('chooseFrameTimes', () => {
  it('one frame a second at the middle of each second for a short clip', () => {
    expect(chooseFrameTimes([0, 12])).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5, 11.5]);
  });

  it('at most MAX_SAMPLED_FRAMES, evenly spread, for a long video (1.5 h: one every ~3 min)', () => {
    const times = chooseFrameTimes([0, 5400]);
    expect(times).toHaveLength(MAX_SAMPLED_FRAMES);
    expect(times[0]).toBeCloseTo(5400 / 64, 3);
    expect(times.at(-1)).toBeCloseTo(5400 - 5400 / 64, 3);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    for (const g of gaps) expect(g).toBeCloseTo(5400 / MAX_SAMPLED_FRAMES, 2);
  });

  it('an even count (temporal pairs), in order, inside the range, never past its end', () => {
    for (const [a, b] of [[0, 3], [10, 17.4], [0, 0.8], [30, 95], [0, 33]] as const) {
      for (const max of [MAX_SAMPLED_FRAMES, MAX_TAB_CAPTURE_FRAMES]) {
        const times = chooseFrameTimes([a, b], max);
        expect(times.length % 2, `${a}-${b}`).toBe(0);
        expect(times.length).toBeLessThanOrEqual(max);
        expect(times.length).toBeLessThanOrEqual(Math.max(2, Math.ceil(b - a) + 1));
        expect([...times].sort((x, y) => x - y)).toEqual(times);
        expect(times[0]).toBeGreaterThan(a);
        expect(times.at(-1)).toBeLessThan(b);
      }
    }
  });

  it('tab captures get fewer frames; an empty range one frame at its start', () => {
    expect(chooseFrameTimes([0, 600], MAX_TAB_CAPTURE_FRAMES)).toHaveLength(MAX_TAB_CAPTURE_FRAMES);
    expect(chooseFrameTimes([7, 7])).toEqual([7]);
  });
});

describe('frameSize', () => {
  it('keeps a small video at its own resolution and scales a large one to the cap, same aspect', () => {
    expect(frameSize({ width: 320, height: 180 })).toEqual({ width: 320, height: 180 });
    const hd = frameSize({ width: 1920, height: 1080 });
    expect(hd.width * hd.height).toBeLessThanOrEqual(FRAME_PIXEL_CAP);
    expect(hd.width * hd.height).toBeGreaterThan(FRAME_PIXEL_CAP * 0.98);
    expect(hd.width / hd.height).toBeCloseTo(16 / 9, 1);
  });
});
