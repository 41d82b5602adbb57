import { describe, expect, it } from 'vitest';
import { cpuPixelBudgetFor, pixelBudget, pixelBudgetFor } from './pixel-budget';

describe('pixel budgets', () => {
  it('describe is smallest; OCR and To code get the most', () => {
    expect(pixelBudgetFor.describe).toBeLessThan(pixelBudgetFor.ask);
    expect(pixelBudgetFor.ocr).toBeGreaterThan(pixelBudgetFor.ask);
    expect(pixelBudgetFor.code).toBe(pixelBudgetFor.ocr);
  });

  it('on the CPU Ask gets the describe budget; detail-heavy tasks keep theirs; GPUs and `full` keep every budget', () => {
    expect(pixelBudget('ask', 'cpu')).toBe(pixelBudgetFor.describe);
    expect(pixelBudget('ask', 'cpu', 'full')).toBe(pixelBudgetFor.ask);
    for (const device of ['cuda', 'webgpu'] as const) expect(pixelBudget('ask', device)).toBe(pixelBudgetFor.ask);
    for (const task of ['describe', 'ocr', 'code', 'ground'] as const) expect(pixelBudget(task, 'cpu')).toBe(pixelBudgetFor[task]);
    expect(Object.keys(cpuPixelBudgetFor)).toEqual(['ask']);
  });
});
