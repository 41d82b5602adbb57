import type { Family } from '../families';
import { allFamilies, DEFAULT_FAMILY_ID, getFamily, resizeFactor } from '../families';
import type { ProblemList } from './problems';

type Json = Record<string, unknown>;
const F = 'preprocessor_config.json';
/** Above this, a large photo becomes many thousands of visual tokens unless the caller resizes first. */
const LARGE_MAX_PIXELS = 4_000_000;

export function checkPreprocessor(pre: Json, family: Family | undefined, mergeSize: number | undefined, p: ProblemList): void {
  const want = family ?? getFamily(DEFAULT_FAMILY_ID);
  const processorClasses = new Set(allFamilies().map((f) => f.processorClass));
  const imageProcessorTypes = new Set(allFamilies().map((f) => f.imageProcessorType));
  if (typeof pre.processor_class !== 'string' || !processorClasses.has(pre.processor_class)) {
    p.error(F, `processor_class is ${JSON.stringify(pre.processor_class)}: without a Qwen-VL processor <|image_pad|> is not expanded to the image grid`, `set "processor_class": "${want.processorClass}"`);
  }
  const ipt = typeof pre.image_processor_type === 'string' ? pre.image_processor_type.replace(/Fast$/, '') : undefined;
  if (ipt === undefined || !imageProcessorTypes.has(ipt)) {
    p.error(F, `image_processor_type is ${JSON.stringify(pre.image_processor_type)}, expected ${want.imageProcessorType}`, `set "image_processor_type": "${want.imageProcessorType}"`);
  }
  if (pre.do_resize !== true && pre.size === undefined) {
    p.error(F, 'do_resize is not true and no size is set: images are not resized to multiples of patch×merge (processing crashes)', 'set "do_resize": true');
  } else if (pre.do_resize === false) {
    p.error(F, 'do_resize is false: images are not resized to multiples of patch×merge', 'set "do_resize": true');
  }
  if (pre.do_normalize !== true) {
    p.error(F, 'do_normalize is not true: pixels reach the vision encoder unnormalised (silently wrong answers)', 'set "do_normalize": true with image_mean/image_std');
  }
  for (const key of ['image_mean', 'image_std'] as const) {
    const v = pre[key];
    if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => typeof x === 'number')) {
      p.error(F, `${key} must be three numbers`, `set "${key}": ${JSON.stringify(key === 'image_mean' ? want.imageMean : want.imageStd)}`);
    }
  }
  if (pre.do_rescale === false) p.error(F, 'do_rescale is false: pixels stay in 0–255', 'set "do_rescale": true, "rescale_factor": 1/255');

  if (family && pre.patch_size !== family.patchSize) {
    p.error(F, `patch_size is ${JSON.stringify(pre.patch_size)}, ${family.label} uses ${family.patchSize}`, `set "patch_size": ${family.patchSize}`);
  }
  if (family && pre.temporal_patch_size !== family.temporalPatchSize) {
    p.error(F, `temporal_patch_size is ${JSON.stringify(pre.temporal_patch_size)}, expected ${family.temporalPatchSize}`, `set "temporal_patch_size": ${family.temporalPatchSize}`);
  }
  const merge = mergeSize ?? want.mergeSize;
  if (pre.merge_size !== merge) {
    p.error(F, `merge_size is ${JSON.stringify(pre.merge_size)}, config.json's spatial_merge_size is ${merge}`, `set "merge_size": ${merge}`);
  }
  const size = typeof pre.size === 'object' && pre.size !== null ? (pre.size as Json) : {};
  const min = pre.min_pixels ?? size.shortest_edge;
  const max = pre.max_pixels ?? size.longest_edge;
  if (typeof min !== 'number' || typeof max !== 'number') {
    p.error(F, 'min_pixels/max_pixels (or size.shortest_edge/longest_edge) are missing: smart_resize falls back to defaults that do not match the model', 'set "min_pixels" and "max_pixels"');
  } else if (min > max) {
    p.error(F, `min_pixels (${min}) is larger than max_pixels (${max})`, 'swap or correct min_pixels/max_pixels');
  } else if (max > LARGE_MAX_PIXELS) {
    p.warn(F, `max_pixels is ${max}: a large photo becomes up to ${Math.round(max / resizeFactor(want) ** 2)} visual tokens if passed unresized`, 'resize images to a task pixel budget before the processor (the engine does), or lower max_pixels');
  }
}

export function checkGenerationConfig(gen: Json | undefined, p: ProblemList): void {
  if (!gen) return;
  if (gen.eos_token_id === undefined) {
    p.warn('generation_config.json', 'eos_token_id is missing', 'set "eos_token_id": [151645, 151643]');
  }
}
