import { describe, expect, it } from 'vitest';
import { engineRequests } from './daemon';

describe('engineRequests', () => {
  it('passes --dtype and --image-detail to the VLM engine only', () => {
    const [ocr, vlm] = engineRequests({ home: '/h', device: 'cpu', model: 'qwen2.5-vl-3b', dtype: 'q4', imageDetail: 'full' });
    expect(ocr).toEqual({ engine: 'ppocr', options: { home: '/h', device: 'cpu' } });
    expect(vlm).toEqual({ engine: 'qwen-vl', options: { home: '/h', device: 'cpu', model: 'qwen2.5-vl-3b', dtype: 'q4', imageDetail: 'full' } });
    expect(engineRequests({ home: '/h', device: 'cpu', model: 'm' })[1]!.options).not.toHaveProperty('imageDetail');
  });
});
