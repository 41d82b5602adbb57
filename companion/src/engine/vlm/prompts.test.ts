import { describe, expect, it } from 'vitest';
import { getFamily } from '@loupe/models';
import { maxTokensFor, taskPrompt } from './prompts';

const q25 = getFamily('qwen2_5_vl');

describe('task prompts', () => {
  it('are chosen by locale', () => {
    expect(taskPrompt('describe', { family: q25, locale: 'en', imageCount: 1 })).toMatch(/Describe this image/);
    expect(taskPrompt('describe', { family: q25, locale: 'zh-CN', imageCount: 1 })).toMatch(/请详细描述/);
    expect(taskPrompt('ocr', { family: q25, locale: 'en', imageCount: 1 })).toMatch(/Markdown tables/);
    expect(taskPrompt('ocr', { family: q25, locale: 'zh-CN', imageCount: 1 })).toMatch(/表格/);
    expect(taskPrompt('code', { family: q25, locale: 'en', imageCount: 1 })).toMatch(/self-contained HTML.*Tailwind/s);
    expect(taskPrompt('code', { family: q25, locale: 'zh-CN', imageCount: 1 })).toMatch(/Tailwind/);
  });

  it('a user prompt replaces the default; ground uses it as the target', () => {
    expect(taskPrompt('ask', { family: q25, locale: 'en', prompt: 'How many cats?', imageCount: 1 })).toBe('How many cats?');
    expect(taskPrompt('ask', { family: q25, locale: 'en', imageCount: 2 })).toMatch(/Compare/);
    expect(taskPrompt('ground', { family: q25, locale: 'en', prompt: 'the red button', imageCount: 1 })).toMatch(/Locate the red button.*bbox_2d/s);
    expect(taskPrompt('ground', { family: getFamily('qwen2_vl'), locale: 'en', prompt: 'the red button', imageCount: 1 })).toBe(
      'Find the location of <|object_ref_start|>the red button<|object_ref_end|>',
    );
  });

  it('token budgets: code gets the most', () => {
    expect(maxTokensFor.code).toBeGreaterThan(maxTokensFor.describe);
  });
});
