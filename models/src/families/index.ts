import type { FamilyDefinition } from './definition';
import { BUILT_IN_FAMILIES, DEFAULT_FAMILY_ID } from './table';

/**
 * The family registry: config.json `model_type` → its definition, as transformers.js maps
 * model_type to a class. Callers look a family up here and read its fields; none branches on it.
 */

export type { FamilyDefinition, FamilyEntry, FamilyGrounding, FamilyNetwork, FamilyVideo, GroundingConvention } from './definition';
export { defineFamily, deriveFamily, GROUNDING_DESCRIPTION, QWEN_VL_BASE } from './definition';
export { DEFAULT_FAMILY_ID } from './table';

/** A family Loupe ships (what the catalog may name). Registered families are looked up by string. */
export type FamilyId = (typeof BUILT_IN_FAMILIES)[number]['id'];
export type Family = FamilyDefinition;

const registry = new Map<string, Family>(BUILT_IN_FAMILIES.map((f) => [f.id, f]));

/** Adds a family (a test's hypothetical one, or a plug-in's); returns a function that removes it again. */
export function registerFamily(family: Family): () => void {
  if (registry.has(family.id)) throw new Error(`model family "${family.id}" is already registered`);
  if (family.configLayout === 'nested' && !family.textModelType) throw new Error(`model family "${family.id}" has a nested config but no textModelType`);
  registry.set(family.id, family);
  return () => {
    if (registry.get(family.id) === family) registry.delete(family.id);
  };
}

export const familyIds = (): string[] => [...registry.keys()];
export const allFamilies = (): Family[] => [...registry.values()];

export function isFamilyId(value: unknown): value is string {
  return typeof value === 'string' && registry.has(value);
}

export function findFamily(id: unknown): Family | undefined {
  return typeof id === 'string' ? registry.get(id) : undefined;
}

export function getFamily(id: string): Family {
  const family = registry.get(id);
  if (!family) throw new Error(`unknown model family "${id}" (known: ${familyIds().join(', ')})`);
  return family;
}

/** The family of a model served by name (OpenAI-compatible remotes): its name pattern, else the default. */
export function familyOfServedModel(name: string): Family {
  const lower = name.toLowerCase();
  return allFamilies().find((f) => f.remoteModelName.test(lower)) ?? getFamily(DEFAULT_FAMILY_ID);
}

/** Both image sides become multiples of this: patch × merge (28 for Qwen2/2.5-VL, 32 for Qwen3-VL). */
export const resizeFactor = (f: Family): number => f.patchSize * f.mergeSize;

/** Length of one flattened patch row in pixel_values: channels · temporal · P · P. */
export const patchRowLength = (f: Family): number => 3 * f.temporalPatchSize * f.patchSize * f.patchSize;

/** The three sessions of the transformers.js split, in load order. */
export const SESSION_NAMES = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
export type SessionName = (typeof SESSION_NAMES)[number];

/** Token ids shared by every Qwen-VL tokenizer. */
export const QWEN_VL_TOKENS = {
  endOfText: 151643,
  imStart: 151644,
  imEnd: 151645,
  visionStart: 151652,
  visionEnd: 151653,
  imagePad: 151655,
  videoPad: 151656,
} as const;
