import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import type { ResolvedImage } from '../messages';
import { UI_TAG } from './ui-host';

/** The last right-click position, recorded before the browser's menu opens. */
let lastPoint: { x: number; y: number } | null = null;

/** Until the content script's context is invalidated. */
export function trackContextMenu(ctx: ContentScriptContext): void {
  ctx.addEventListener(document, 'contextmenu', (e) => (lastPoint = { x: e.clientX, y: e.clientY }), { capture: true });
}

/** The page's elements under the last right-click, topmost first, without Loupe's own UI. */
export function elementsUnderLastClick(): Element[] {
  return (lastPoint ? document.elementsFromPoint(lastPoint.x, lastPoint.y) : []).filter((el) => !el.closest(UI_TAG));
}

/**
 * Finds the image under the last right-click: an <img>, a CSS background image, a
 * <canvas>, or the current frame of a <video>. Cross-origin canvas/video pixels cannot
 * be read (tainted): then only the element's box is returned for a capture crop.
 */
export async function resolveImageUnderCursor(srcUrl?: string): Promise<ResolvedImage> {
  const base = { viewport: { width: innerWidth, height: innerHeight }, dpr: devicePixelRatio || 1, topFrame: window === window.top };
  for (const el of elementsUnderLastClick()) {
    const rect = toRect(el.getBoundingClientRect());
    if (el instanceof HTMLImageElement) {
      const url = el.currentSrc || el.src || srcUrl;
      if (url?.startsWith('blob:')) return { ...base, kind: 'img', rect, ...(await blobToData(url)) };
      return { ...base, kind: 'img', rect, ...(url ? { url } : {}) };
    }
    if (el instanceof HTMLVideoElement) return { ...base, kind: 'video', rect, ...frameOf(el, el.videoWidth, el.videoHeight) };
    if (el instanceof HTMLCanvasElement) return { ...base, kind: 'canvas', rect, ...readCanvas(el) };
    if (el instanceof SVGElement) return { ...base, kind: 'svg', rect: toRect((el.ownerSVGElement ?? el).getBoundingClientRect()) };
    const bg = backgroundUrl(el);
    if (bg) {
      if (bg.startsWith('blob:')) return { ...base, kind: 'background', rect, ...(await blobToData(bg)) };
      return { ...base, kind: 'background', rect, url: bg };
    }
  }
  return { ...base, kind: 'none', ...(srcUrl ? { url: srcUrl } : {}) };
}

/** First url(...) of an element's computed background-image, made absolute. */
export function backgroundUrl(el: Element): string | undefined {
  const value = getComputedStyle(el).backgroundImage;
  const match = /url\((['"]?)(.*?)\1\)/.exec(value ?? '');
  if (!match?.[2]) return undefined;
  try {
    return new URL(match[2], document.baseURI).href;
  } catch {
    return undefined;
  }
}

function frameOf(video: HTMLVideoElement, w: number, h: number): { dataUrl?: string } {
  if (!w || !h) return {};
  try {
    const canvas = document.createElement('canvas');
    canvas.width = w;
    canvas.height = h;
    canvas.getContext('2d')!.drawImage(video, 0, 0, w, h);
    return { dataUrl: canvas.toDataURL('image/png') };
  } catch {
    return {};
  }
}

function readCanvas(canvas: HTMLCanvasElement): { dataUrl?: string } {
  try {
    return { dataUrl: canvas.toDataURL('image/png') };
  } catch {
    return {};
  }
}

async function blobToData(url: string): Promise<{ dataUrl?: string }> {
  try {
    const blob = await (await fetch(url)).blob();
    return await new Promise((resolve) => {
      const reader = new FileReader();
      reader.onload = () => resolve({ dataUrl: String(reader.result) });
      reader.onerror = () => resolve({});
      reader.readAsDataURL(blob);
    });
  } catch {
    return {};
  }
}

function toRect(r: DOMRect) {
  return { x: r.left, y: r.top, width: r.width, height: r.height };
}
