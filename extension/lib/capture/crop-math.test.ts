import { describe, expect, it } from 'vitest';
import { dragToRect, fitToBudget, scaleBox, viewportRectToCapture } from './crop-math';

describe('viewportRectToCapture', () => {
  it('is the identity at devicePixelRatio 1 and 100 % zoom', () => {
    expect(viewportRectToCapture({ x: 10, y: 20, width: 100, height: 50 }, { width: 1280, height: 720 }, { width: 1280, height: 720 })).toEqual({
      x: 10,
      y: 20,
      width: 100,
      height: 50,
    });
  });

  it('scales by the capture/viewport ratio on a HiDPI screen (dpr 2)', () => {
    expect(viewportRectToCapture({ x: 10, y: 20, width: 100, height: 50 }, { width: 1280, height: 720 }, { width: 2560, height: 1440 }, 2)).toEqual({
      x: 20,
      y: 40,
      width: 200,
      height: 100,
    });
  });

  it('folds page zoom in: 150 % zoom on dpr 2 → 3 capture pixels per CSS pixel', () => {
    // At 150 % zoom a 2560-device-pixel-wide tab is 853.33 CSS pixels wide.
    const viewport = { width: 2560 / 3, height: 1440 / 3 };
    expect(viewportRectToCapture({ x: 100, y: 50, width: 200, height: 100 }, viewport, { width: 2560, height: 1440 }, 3)).toEqual({
      x: 300,
      y: 150,
      width: 600,
      height: 300,
    });
  });

  it('handles fractional ratios (dpr 1.25) by snapping outward to whole pixels', () => {
    const r = viewportRectToCapture({ x: 10.3, y: 10.3, width: 10.1, height: 10.1 }, { width: 1000, height: 800 }, { width: 1250, height: 1000 })!;
    expect(r.x).toBe(12); // floor(12.875)
    expect(r.y).toBe(12);
    expect(r.x + r.width).toBe(26); // ceil(25.5)
    expect(r.y + r.height).toBe(26);
  });

  it('uses dpr when the viewport size is unknown', () => {
    expect(viewportRectToCapture({ x: 1, y: 1, width: 2, height: 2 }, undefined, { width: 100, height: 100 }, 2)).toEqual({ x: 2, y: 2, width: 4, height: 4 });
  });

  it('clamps a selection that runs off the edge of the capture', () => {
    expect(viewportRectToCapture({ x: -20, y: 700, width: 100, height: 100 }, { width: 1280, height: 720 }, { width: 1280, height: 720 })).toEqual({
      x: 0,
      y: 700,
      width: 80,
      height: 20,
    });
  });

  it('returns null for a rectangle entirely outside the capture', () => {
    expect(viewportRectToCapture({ x: 2000, y: 0, width: 10, height: 10 }, { width: 1280, height: 720 }, { width: 1280, height: 720 })).toBeNull();
  });
});

describe('fitToBudget', () => {
  it('keeps images within the budget as they are', () => {
    expect(fitToBudget({ width: 1000, height: 1000 }, 1_000_000)).toEqual({ width: 1000, height: 1000 });
  });
  it('downscales a 4K capture to the pixel budget keeping the aspect ratio', () => {
    const out = fitToBudget({ width: 3840, height: 2160 }, 2_000_000);
    expect(out.width * out.height).toBeLessThanOrEqual(2_000_000);
    expect(out.width * out.height).toBeGreaterThan(1_990_000);
    expect(out.width / out.height).toBeCloseTo(16 / 9, 2);
  });
});

describe('dragToRect and scaleBox', () => {
  it('normalises a drag made up and to the left', () => {
    expect(dragToRect({ x: 50, y: 80 }, { x: 10, y: 20 })).toEqual({ x: 10, y: 20, width: 40, height: 60 });
  });
  it('maps a box from sent-image pixels to display pixels', () => {
    expect(scaleBox([100, 50, 300, 150], { width: 1000, height: 500 }, { width: 500, height: 250 })).toEqual({ x: 50, y: 25, width: 100, height: 50 });
  });
});
