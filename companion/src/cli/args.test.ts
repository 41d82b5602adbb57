import { describe, expect, it } from 'vitest';
import { parseDevice, UsageError } from './args';

describe('--device', () => {
  it('takes auto, webgpu, cuda or cpu, and names them when given anything else', () => {
    for (const d of ['auto', 'webgpu', 'cuda', 'cpu'] as const) expect(parseDevice(d, 'cpu')).toBe(d);
    expect(parseDevice(undefined, 'webgpu')).toBe('webgpu');
    expect(() => parseDevice('vulkan', 'auto')).toThrow(UsageError);
    expect(() => parseDevice('vulkan', 'auto')).toThrow('--device must be auto, webgpu, cuda or cpu, not "vulkan"');
  });
});
