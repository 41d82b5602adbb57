import { describe, expect, it } from 'vitest';
import { CALIBRATION, describeEstimate, describeWork, estimateFromBandwidth, estimateFromProbe } from './speed-estimate';

describe('speed estimate', () => {
  it('prices a 720p describe at the describe budget it is given: Qwen2.5 (14 px patches) and Qwen3 (16 px)', () => {
    const q25 = describeWork(14, 2, 500_000);
    expect(q25.patches).toBe(66 * 36); // 924×504
    expect(q25.promptTokens).toBe(q25.patches / 4 + 45);
    expect(describeWork(16, 2, 500_000).patches).toBeLessThan(q25.patches);
    expect(describeWork(14, 2, 250_000).patches).toBeLessThan(q25.patches / 1.8);
  });

  it('prices vision and prefill from the measured decode step with the calibrated rate multiples', () => {
    const bytes = { decoder: 2e9, vision: 4e8 };
    const e = estimateFromProbe(bytes, { patches: 2000, promptTokens: 550 }, { stepMs: 250 });
    const decodeBytesPerMs = 2e9 / 250;
    const expected = (4e8 * 2000) / (decodeBytesPerMs * CALIBRATION.visionPerDecode) + (2e9 * 550) / (decodeBytesPerMs * CALIBRATION.prefillPerDecode) + 250;
    expect(e.ttft720pMs).toBe(Math.round(expected));
    expect(e.tokensPerSecond).toBe(4);
    expect(e.basis).toBe('measured at load');
    expect(describeEstimate({ ...e, ttft720pMs: 48_400 })).toBe('~48 s to the first word of a 720p screenshot describe, then ~4 tokens/s (measured at load)');
    expect(describeEstimate({ ...e, ttft720pMs: 4_440 })).toMatch(/^~4\.4 s /);
  });

  it('from bandwidth alone: decode reads every decoder weight once per token at the calibrated fraction', () => {
    const e = estimateFromBandwidth({ decoder: 2e9, vision: 4e8 }, { patches: 2000, promptTokens: 550 }, 20);
    expect(e.tokensPerSecond).toBeCloseTo((20e9 * CALIBRATION.decodeBwFraction) / 2e9, 1);
    expect(e.basis).toBe('model size × memory bandwidth');
    expect(e.ttft720pMs).toBeGreaterThan(1000 / e.tokensPerSecond);
  });
});
