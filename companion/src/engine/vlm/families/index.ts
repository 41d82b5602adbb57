import { qwen2Vl } from './qwen2-vl';
import { qwen25Vl } from './qwen2-5-vl';
import { qwen3Vl } from './qwen3-vl';
import type { VlmFamily } from './types';

export type { VlmFamily, GroundingConvention } from './types';

const families = new Map<string, VlmFamily>();

/** Adding a model family = registering its handling here (or from its own module). */
export function registerFamily(family: VlmFamily): void {
  families.set(family.modelType, family);
}

export function familyFor(modelType: string | undefined): VlmFamily {
  const family = modelType ? families.get(modelType) : undefined;
  if (!family) {
    throw new Error(
      `config.json model_type "${modelType ?? '(missing)'}" is not a supported vision-language family (supported: ${[...families.keys()].join(', ')}); use a Qwen-VL export in the transformers.js layout.`,
    );
  }
  return family;
}

export function listFamilies(): VlmFamily[] {
  return [...families.values()];
}

registerFamily(qwen2Vl);
registerFamily(qwen25Vl);
registerFamily(qwen3Vl);
