import { browser } from 'wxt/browser';
import type { ContentScriptContext } from 'wxt/utils/content-script-context';
import { setLocale } from '../i18n/i18n';
import type { BackgroundToContent, ContentToBackground } from '../messages';
import { loadSettings } from '../settings/settings';
import { showOcrOverlay } from './ocr-overlay';
import { resolveImageUnderCursor, trackContextMenu } from './pick-image';
import { selectRegion } from './region-overlay';
import { copyText, toast } from './ui-host';
import { drawFrames, holdForCapture, probeVideo, releaseVideo, seekForCapture, seekVideo } from './video-sampler';

/**
 * The page side: remembers right-clicks, runs the region overlay, shows OCR results, samples videos. Everything it
 * adds hangs on WXT's `ctx`: injected again (ensureContentScript, an extension update), the older
 * copy's context is invalidated and its listeners, timers and UI go, so only the newest answers.
 */
export function startContent(ctx: ContentScriptContext): void {
  trackContextMenu(ctx);
  let selecting = false;

  const onMessage = (raw: unknown) => {
    const msg = raw as BackgroundToContent | { type: 'ping' };
    switch (msg?.type) {
      case 'ping':
        return Promise.resolve('pong');
      case 'resolve-image':
        return resolveImageUnderCursor(msg.srcUrl);
      case 'start-selection':
        if (window !== window.top || selecting) return undefined;
        selecting = true;
        void loadSettings()
          .then((s) => setLocale(s.language))
          .then(() => selectRegion(ctx, msg.action))
          .then((result) => {
            selecting = false;
            const out: ContentToBackground = result
              ? {
                  type: 'region-selected',
                  rect: result.rect,
                  viewport: { width: innerWidth, height: innerHeight },
                  scroll: { x: scrollX, y: scrollY },
                  dpr: devicePixelRatio || 1,
                  action: result.action,
                  ...(result.prompt ? { prompt: result.prompt } : {}),
                }
              : { type: 'region-cancelled' };
            return browser.runtime.sendMessage(out);
          })
          .catch(() => (selecting = false));
        return Promise.resolve(true);
      case 'video-probe':
        return probeVideo(msg.videoId, msg.srcUrl);
      case 'video-frames':
        return drawFrames(msg.videoId, msg.times, msg.maxPixels);
      case 'video-hold':
        return Promise.resolve(holdForCapture(msg.videoId));
      case 'video-capture-seek':
        return seekForCapture(msg.videoId, msg.time);
      case 'video-release':
        return Promise.resolve(releaseVideo(msg.videoId));
      case 'video-seek':
        return Promise.resolve(seekVideo(msg.videoId, msg.time));
      case 'copy':
        if (window !== window.top) return undefined;
        return copyText(msg.text);
      case 'toast':
        if (window === window.top) void toast(ctx, msg.text);
        return undefined;
      case 'show-ocr':
        if (window === window.top) void showOcrOverlay(ctx, msg.page, msg.image, msg.lines);
        return undefined;
      default:
        return undefined;
    }
  };
  browser.runtime.onMessage.addListener(onMessage);
  ctx.onInvalidated(() => browser.runtime.onMessage.removeListener(onMessage));
}
