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

/** content → background (reply to video-probe): the <video> under the last right-click, by the id the content script gave it. */
export const VideoProbe = z.object({
  videoId: z.number().int().positive(),
  /** Seconds; null for a live stream (no finite length). */
  duration: z.number().finite().nonnegative().nullable(),
  currentTime: z.number().finite().nonnegative(),
  paused: z.boolean(),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
  seekable: z.tuple([z.number().finite(), z.number().finite()]).optional(),
  /** Its pixels cannot be read (another site's video without CORS): frames must come from tab captures. */
  tainted: z.boolean(),
  topFrame: z.boolean(),
});
export type VideoProbe = z.infer<typeof VideoProbe>;

/** content → background (reply to video-frames): JPEG stills at the asked times, or why not. */
export const VideoFrames = z.union([
  z.object({
    frames: z
      .array(z.object({ time: z.number().finite().nonnegative(), dataUrl: z.string().max(8_000_000).startsWith('data:image/jpeg;base64,'), width: z.number().int().positive(), height: z.number().int().positive() }))
      .min(1),
  }),
  z.object({ tainted: z.literal(true) }),
]);
export type VideoFrames = z.infer<typeof VideoFrames>;

/** content → background (reply to video-capture-seek): where the video shows the asked frame now. */
export const VideoOnScreen = z.object({ rect: RectShape, viewport: SizeShape, dpr: z.number().finite().positive() });
export type VideoOnScreen = z.infer<typeof VideoOnScreen>;

/** background → content. */
export type BackgroundToContent =
  | { type: 'start-selection'; action: RegionAction }
  | { type: 'video-probe'; videoId?: number; srcUrl?: string }
  /** Stills drawn from the element at `times`, each at most `maxPixels`; its time and play state restored after. */
  | { type: 'video-frames'; videoId: number; times: number[]; maxPixels: number }
  /** Tab-capture sampling: hold (pause, hide the controls), seek frame by frame, release (restore). */
  | { type: 'video-hold'; videoId: number }
  | { type: 'video-capture-seek'; videoId: number; time: number }
  | { type: 'video-release'; videoId: number }
  /** A timestamp link: seek the video (this id, else the page's main video). */
  | { type: 'video-seek'; videoId?: number; time: number }
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
  z.object({ type: z.literal('seek-video'), time: z.number().finite().min(0).max(86_400) }),
  /** Sample the conversation's video again: a picked range, or from the video's current time. */
  z.object({ type: z.literal('video-resample'), range: z.tuple([z.number().finite().min(0), z.number().finite().min(0)]).optional(), fromNow: z.boolean().optional() }),
]);
export type PanelCommand = z.infer<typeof PanelCommand>;
