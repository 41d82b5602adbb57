import type { Task } from '@loupe/shared';
import type { Device } from '../device/request';

/** How many pixels the model sees: `auto` = the device's defaults below; `full` = the GPU budgets on every device. */
export const IMAGE_DETAILS = ['auto', 'full'] as const;
export type ImageDetail = (typeof IMAGE_DETAILS)[number];
export const isImageDetail = (v: unknown): v is ImageDetail => typeof v === 'string' && (IMAGE_DETAILS as readonly string[]).includes(v);

/**
 * Pixel budget of the image the model sees, per task (a 1280×720 screenshot at 0.5 MP is 924×504,
 * 594 visual tokens for Qwen2/2.5-VL). Qwen's model cards suggest "a token count range of
 * 256-1280, to balance speed and memory usage" (min_pixels 256·28·28, max_pixels 1280·28·28);
 * OCR and To code need the detail, and grounding with fewer than ~1024 tokens loses box accuracy
 * (llama.cpp's mtmd warns so for Qwen-VL).
 */
export const pixelBudgetFor: Record<Task, number> = {
  describe: 500_000,
  ocr: 1_500_000,
  code: 1_500_000,
  ask: 1_000_000,
  ground: 1_000_000,
};

/**
 * CPU defaults where they differ. Before the first word each visual token costs its 4 patches in
 * the vision encoder plus one prefill token: ~57 ms on 2 AVX-512 cores for qwen2.5-vl-3b q4
 * (vision 19.1 s for 2,376 patches + prefill 16.2 s for 639 tokens, one quiet vlm-real bench run),
 * so a 720p Ask at 1 MP (1,190 tokens) would wait ~70 s. The encoder's CPU time per patch barely
 * grows with the image (13.2 ms at 0.23 and 0.47 MP, 14.7 ms at 0.96 MP: its 4 full-attention
 * blocks; one process, load 6–7), so 1 MP cost 2.3× the vision time of 0.5 MP. Ask gets
 * describe's budget (594 tokens, inside Qwen's suggested range, ~35 s). Describe, OCR, To code and grounding keep theirs: below
 * ~0.5 MP screenshot text shrinks under ~9 px. The stand-in's random weights cannot show what the
 * smaller image costs in answer quality; `--image-detail full` (or config.json "imageDetail")
 * restores the GPU budgets.
 */
export const cpuPixelBudgetFor: Partial<Record<Task, number>> = { ask: 500_000 };

/** The one answer to "how many pixels for this task here". */
export function pixelBudget(task: Task, device: Device, detail: ImageDetail = 'auto'): number {
  return (device === 'cpu' && detail === 'auto' ? cpuPixelBudgetFor[task] : undefined) ?? pixelBudgetFor[task];
}
