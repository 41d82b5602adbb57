import { describe, expect, it } from 'vitest';
import { withoutStandInLabel } from './model-name';

describe('withoutStandInLabel', () => {
  it('drops the label from a model id and from a note, and leaves other text alone', () => {
    expect(withoutStandInLabel('model (test stand-in — output is noise)')).toBe('model');
    expect(withoutStandInLabel('running on CPU: no GPU test stand-in — output is noise')).toBe('running on CPU: no GPU');
    expect(withoutStandInLabel('qwen2.5-vl-3b')).toBe('qwen2.5-vl-3b');
  });
});
