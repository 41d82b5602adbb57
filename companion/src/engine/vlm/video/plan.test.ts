import { describe, expect, it } from 'vitest';
import { getFamily } from '@loupe/models';
import { planVideo } from './plan';

const q25 = getFamily('qwen2_5_vl');
const limits = { patchSize: 14, mergeSize: 2, temporalPatchSize: 2, procMin: 3136, procMax: 12_845_056 };
const clipOf = (seconds: number, frames: number) => ({ frameTimes: Array.from({ length: frames }, (_, i) => (i * seconds) / frames), duration: seconds });

describe('planVideo fits a clip to the family budget', () => {
  it('a short clip keeps every frame at up to the per-frame cap (~360×420)', () => {
    const plan = planVideo(clipOf(10, 10), { width: 1280, height: 720 }, q25, limits);
    expect(plan.frames).toHaveLength(10);
    expect(plan.size.width * plan.size.height).toBeLessThanOrEqual(q25.video.maxFramePixels);
    expect(plan.size.width % 28).toBe(0);
    expect(plan.groups).toBe(5);
  });

  it('a 3-minute clip and a 1.5-hour one (64 frames each) both fit the token budget, with smaller frames than a short clip', () => {
    const short = planVideo(clipOf(10, 10), { width: 1280, height: 720 }, q25, limits);
    for (const seconds of [180, 5400]) {
      const plan = planVideo(clipOf(seconds, 64), { width: 1280, height: 720 }, q25, limits);
      expect(plan.groups * plan.tokensPerGroup).toBeLessThanOrEqual(q25.video.tokenBudget);
      expect(plan.size.width * plan.size.height).toBeLessThan(short.size.width * short.size.height);
      expect(plan.secondsPerGroup).toBeCloseTo((2 * seconds) / 64, 0);
    }
  });

  it('drops frames evenly (first and last kept) when even the smallest frames would not fit', () => {
    const tight = { ...q25, video: { ...q25.video, tokenBudget: 1024 } };
    const plan = planVideo(clipOf(600, 64), { width: 640, height: 360 }, tight, limits);
    expect(plan.frames.length).toBe(16);
    expect(plan.frames[0]).toBe(0);
    expect(plan.frames.at(-1)).toBe(63);
    expect(plan.groups * plan.tokensPerGroup).toBeLessThanOrEqual(1024);
  });

  it('each temporal patch is timed at the mean of its frames; an odd last frame stands alone', () => {
    const plan = planVideo({ frameTimes: [0, 2, 4, 6, 8] }, { width: 320, height: 240 }, q25, limits);
    expect(plan.groupTimes).toEqual([1, 5, 8]);
  });
});
