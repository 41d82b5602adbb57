import { z } from 'zod';
import { MAX_IMAGE_BYTES, ResponseFormat, Task } from '@loupe/shared';
import { RegionAction } from './settings/settings';

/**
 * Messages between the parts of the extension. Content scripts run inside web pages,
 * so what they send is validated like any other input.
 */
const RectShape = z.object({ x: z.number().finite(), y: z.number().finite(), width: z.number().finite().nonnegative(), height: z.number().finite().nonnegative() });
const SizeShape = z.object({ width: z.number().finite().positive(), height: z.number().finite().positive() });

/** content → background: the user finished a region selection. */
export const RegionSelected = z.object({
  type: z.literal('region-selected'),
  rect: RectShape,
  viewport: SizeShape,
  scroll: z.object({ x: z.number().finite(), y: z.number().finite() }),
  dpr: z.number().finite().positive(),
  action: RegionAction.exclude(['choose']),
  prompt: z.string().max(4000).optional(),
});
export type RegionSelected = z.infer<typeof RegionSelected>;

export const ContentToBackground = z.discriminatedUnion('type', [RegionSelected, z.object({ type: z.literal('region-cancelled') })]);
export type ContentToBackground = z.infer<typeof ContentToBackground>;

/** content → background (reply to resolve-image): what is under the cursor of the last right-click. */
export const ResolvedImage = z.object({
  url: z.string().max(8_000_000).optional(),
  dataUrl: z.string().max(64_000_000).optional(),
  kind: z.enum(['img', 'background', 'canvas', 'video', 'svg', 'none']),
  /** Element box in the frame's viewport CSS pixels (for the capture-crop fallback). */
  rect: RectShape.optional(),
  viewport: SizeShape,
  dpr: z.number().finite().positive(),
  topFrame: z.boolean(),
});
export type ResolvedImage = z.infer<typeof ResolvedImage>;

/** background → content. */
export type BackgroundToContent =
  | { type: 'start-selection'; action: RegionAction }
  | { type: 'resolve-image'; srcUrl?: string }
  | { type: 'copy'; text: string }
  | { type: 'toast'; text: string }
  | {
      type: 'show-ocr';
      /** The selected region in page CSS pixels (viewport rect + scroll at selection time). */
      page: { x: number; y: number; width: number; height: number };
      image: { width: number; height: number };
      lines: Array<{ text: string; box: [number, number, number, number] }>;
    };

/** panel → background over the 'panel' port. */
export const PanelCommand = z.discriminatedUnion('type', [
  /** A follow-up: it carries the images attached so far (see 'attach'); `format` for Extract as JSON. */
  z.object({ type: z.literal('followup'), prompt: z.string().min(1).max(4000), task: Task.optional(), format: ResponseFormat.optional() }),
  /** An image pasted, dropped or picked in the panel, for the next follow-up (the background prepares it). */
  z.object({ type: z.literal('attach'), dataUrl: z.string().startsWith('data:').max(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 100) }),
  z.object({ type: z.literal('detach'), index: z.number().int().nonnegative().max(16) }),
  z.object({ type: z.literal('cancel'), id: z.string().max(64) }),
  z.object({ type: z.literal('capture-tab'), task: Task.optional() }),
  /** `attach`: the region becomes an image of the next follow-up, not a new conversation. */
  z.object({ type: z.literal('select-region'), attach: z.boolean().optional() }),
  z.object({ type: z.literal('retry') }),
  z.object({ type: z.literal('pair') }),
  z.object({ type: z.literal('continue'), id: z.string().max(100) }),
]);
export type PanelCommand = z.infer<typeof PanelCommand>;
