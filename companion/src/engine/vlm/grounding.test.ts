import { describe, expect, it } from 'vitest';
import { getFamily } from '@loupe/models';
import { groundBoxes, mapBox, parseBoxes } from './grounding';

const frame = {
  crop: { x: 100, y: 50, width: 2000, height: 1000 },
  resized: { width: 1008, height: 504 },
  original: { width: 4000, height: 3000 },
};

describe('grounding', () => {
  it('parses fenced JSON with bbox_2d', () => {
    const text = 'Here:\n```json\n[\n {"bbox_2d": [10, 20, 30, 40], "label": "cat"},\n {"bbox_2d": [1,2,3,4], "label": "dog"}\n]\n```';
    expect(parseBoxes(text, 'json-bbox_2d')).toEqual([
      { label: 'cat', box: [10, 20, 30, 40] },
      { label: 'dog', box: [1, 2, 3, 4] },
    ]);
  });

  it('salvages complete objects from truncated JSON', () => {
    const text = '```json\n[{"bbox_2d": [10, 20, 30, 40], "label": "cat"}, {"bbox_2d": [1, 2';
    expect(parseBoxes(text, 'json-bbox_2d')).toEqual([{ label: 'cat', box: [10, 20, 30, 40] }]);
  });

  it('parses Qwen2-VL box tokens, with and without the special markers', () => {
    const withMarkers = '<|object_ref_start|>the button<|object_ref_end|><|box_start|>(100,200),(300,400)<|box_end|>';
    expect(parseBoxes(withMarkers, 'qwen2-box-tokens')).toEqual([{ label: 'the button', box: [100, 200, 300, 400] }]);
    expect(parseBoxes('the button(100,200),(300,400)', 'qwen2-box-tokens')[0]?.box).toEqual([100, 200, 300, 400]);
  });

  it('maps Qwen2.5-VL absolute coordinates on the resized image back to original pixels', () => {
    // resized is 1008x504 for a 2000x1000 crop at (100,50): factor 2000/1008
    expect(mapBox([504, 252, 1008, 504], 'absolute-resized', frame)).toEqual([100 + 1000, 50 + 500, 100 + 2000, 50 + 1000]);
  });

  it('maps Qwen3-VL / Qwen2-VL 0..1000 coordinates back to original pixels', () => {
    expect(mapBox([0, 0, 500, 1000], 'normalized-1000', frame)).toEqual([100, 50, 1100, 1050]);
  });

  it('clamps to the image and orders corners', () => {
    expect(mapBox([2000, 2000, -5, -5], 'absolute-resized', { ...frame, crop: { x: 0, y: 0, width: 4000, height: 3000 }, resized: { width: 1000, height: 750 } })).toEqual([0, 0, 4000, 3000]);
  });

  it('uses each family convention through the registry', () => {
    const text = '[{"bbox_2d": [0, 0, 1000, 1000], "label": "all"}]';
    const q3 = groundBoxes(text, getFamily('qwen3_vl'), frame);
    expect(q3[0]?.box).toEqual([100, 50, 2100, 1050]);
    const q25 = groundBoxes(text, getFamily('qwen2_5_vl'), frame);
    expect(q25[0]?.box[2]).toBeCloseTo(100 + 1000 * (2000 / 1008), 0);
    const q2 = groundBoxes('<|box_start|>(0,0),(1000,1000)<|box_end|>', getFamily('qwen2_vl'), frame);
    expect(q2[0]?.box).toEqual([100, 50, 2100, 1050]);
  });
});
