import type { Task } from '@loupe/shared';
import { browser, type Browser } from 'wxt/browser';
import { viewportRectToCapture } from '../capture/crop-math';
import { cropCapture, dataUrlToBytes, prepareImage, type Prepared } from '../capture/image-bytes';
import { t } from '../i18n/i18n';
import type { Conversation, Turn } from '../jobs/conversation';
import { ResolvedImage, type BackgroundToContent, type RegionSelected } from '../messages';
import type { RegionAction, Settings } from '../settings/settings';
import { extractRequest } from '../extract/extract-request';
import type { JobOptions, Session } from './session';

/** What every flow needs from the background: the session, the current settings, and their first load. */
export interface FlowContext {
  session: Session;
  settings: () => Settings;
  /** Settings loaded and the link started: flows that read settings wait for it. */
  ready: Promise<void>;
}

export async function sendToTab<T = unknown>(tabId: number, message: BackgroundToContent, frameId = 0): Promise<T | undefined> {
  try {
    return (await browser.tabs.sendMessage(tabId, message, { frameId })) as T;
  } catch {
    return undefined;
  }
}

/** Makes sure the content script runs in the tab (tabs opened before install lack it). */
export async function ensureContentScript(tabId: number): Promise<boolean> {
  try {
    const pong = await browser.tabs.sendMessage(tabId, { type: 'ping' }, { frameId: 0 });
    if (pong === 'pong') return true;
  } catch {
    /* not injected yet */
  }
  try {
    await browser.scripting.executeScript({ target: { tabId }, files: ['/content-scripts/content.js'] });
    return true;
  } catch {
    return false;
  }
}

/**
 * Flow 1: an image the user right-clicked (or the image under the cursor). Sends the
 * image's own bytes when they can be had; otherwise a crop of the visible tab.
 */
export async function imageFlow(ctx: FlowContext, task: Task, tab: Browser.tabs.Tab, frameId: number, srcUrl?: string, options: JobOptions = {}): Promise<void> {
  const { session, settings } = ctx;
  const conversation = session.start('image', tab);
  session.setBusy(t('busyFetching'));
  const budget = settings().maxImagePixels;
  const raw = tab.id !== undefined ? await sendToTab(tab.id, { type: 'resolve-image', ...(srcUrl ? { srcUrl } : {}) }, frameId) : undefined;
  const resolved = raw === undefined ? undefined : ResolvedImage.safeParse(raw);
  const info = resolved?.success ? resolved.data : undefined;

  let prepared: Prepared | undefined;
  const candidates = [info?.dataUrl, srcUrl, info?.url].filter((u): u is string => typeof u === 'string' && u.length > 0);
  for (const url of candidates) {
    const bytes = await fetchImage(url);
    if (!bytes) continue;
    try {
      prepared = await prepareImage(bytes, budget, 'bytes');
      break;
    } catch {
      /* not decodable here (e.g. SVG in a worker): try the next source */
    }
  }
  if (!prepared && tab.windowId !== undefined) {
    // Fallback: crop of what is on screen (correct under devicePixelRatio and zoom).
    try {
      const capture = await browser.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
      const rect = info?.topFrame && info.rect ? info.rect : undefined;
      const crop = rect ? viewportRectToCapture(rect, info?.viewport, await captureSize(capture), info?.dpr) : null;
      prepared = await cropCapture(capture, crop, budget, 'crop');
    } catch {
      /* restricted page */
    }
  }
  if (!prepared) return session.fail(conversation, task, t('errNoImage'), t('hintNoImage'));
  await session.submitImage(conversation, task, prepared, { ...options, ...(task === 'ocr' && tab.id !== undefined ? { hook: ocrHook(ctx, tab.id) } : {}) });
}

/** Extract as JSON from a menu or the region bar: any JSON object (the panel then offers presets, fields or a schema). */
export function extractOptions(): JobOptions & { task: Task } {
  const request = extractRequest(undefined);
  return request.ok ? { task: 'ask', prompt: request.prompt, format: request.format } : { task: 'ask' };
}

/**
 * Firefox lets a user withdraw the site access granted at install (about:addons → Permissions);
 * then captures and the on-page UI fail, and the hint must name that switch, not "a browser page".
 */
export async function siteAccessWithdrawn(): Promise<boolean> {
  if (import.meta.env.BROWSER !== 'firefox') return false;
  return !(await browser.permissions.contains({ origins: ['<all_urls>'] }).catch(() => true));
}

async function captureHint(): Promise<string> {
  return (await siteAccessWithdrawn()) ? t('hintSiteAccessFirefox') : t('hintCapture');
}

/** Flow 2, first half: the content script lets the user drag a rectangle (it answers with regionFlow). */
export async function selectionFlow(ctx: FlowContext, tab: Browser.tabs.Tab, action?: RegionAction): Promise<void> {
  const { session, settings } = ctx;
  if (tab.id === undefined) return;
  await ctx.ready;
  if (!(await ensureContentScript(tab.id))) {
    const c = session.start('region', tab);
    session.fail(c, 'ocr', t('errRestricted'), (await siteAccessWithdrawn()) ? t('hintSiteAccessFirefox') : t('hintRestricted'));
    return;
  }
  session.setBusy(t('busySelecting'));
  await sendToTab(tab.id, { type: 'start-selection', action: action ?? settings().regionAction });
}

/** Flow 2, second half: the content script reports the selected rectangle. */
export async function regionFlow(ctx: FlowContext, selection: RegionSelected, tab: Browser.tabs.Tab): Promise<void> {
  const { session, settings } = ctx;
  if (session.attachingTo && session.attachingTo === session.conversation?.id) return attachRegion(ctx, selection, tab);
  const conversation = session.start('region', tab);
  session.setBusy(t('busyCapturing'));
  const { task, ...extract } = selection.action === 'extract' ? extractOptions() : { task: selection.action };
  try {
    const capture = await browser.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
    const crop = viewportRectToCapture(selection.rect, selection.viewport, await captureSize(capture), selection.dpr);
    if (!crop) return session.fail(conversation, task, t('errRegionEmpty'));
    const prepared = await cropCapture(capture, crop, settings().maxImagePixels, 'crop');
    const page = { x: selection.rect.x + selection.scroll.x, y: selection.rect.y + selection.scroll.y, width: selection.rect.width, height: selection.rect.height };
    const hook = task === 'ocr' && tab.id !== undefined ? ocrHook(ctx, tab.id, page) : undefined;
    await session.submitImage(conversation, task, prepared, { ...extract, ...(selection.prompt ? { prompt: selection.prompt } : {}), ...(hook ? { hook } : {}) });
  } catch (error) {
    session.fail(conversation, task, t('errCapture', error instanceof Error ? error.message : String(error)), await captureHint());
  }
}

/** The panel's "Add a region": the selected part of the page becomes an image of the next follow-up. */
async function attachRegion(ctx: FlowContext, selection: RegionSelected, tab: Browser.tabs.Tab): Promise<void> {
  const { session, settings } = ctx;
  session.attachingTo = undefined;
  session.setBusy(t('busyCapturing'));
  try {
    const capture = await browser.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
    const crop = viewportRectToCapture(selection.rect, selection.viewport, await captureSize(capture), selection.dpr);
    if (crop) session.attach((await cropCapture(capture, crop, settings().maxImagePixels, 'crop')).image);
  } catch {
    /* restricted page: nothing attached, the panel shows the draft as it was */
  }
  session.setBusy(undefined);
}

/** An image pasted, dropped or picked in the panel, prepared like any other (formats, pixel budget). */
export async function attachFile(ctx: FlowContext, dataUrl: string): Promise<void> {
  try {
    ctx.session.attach((await prepareImage(dataUrlToBytes(dataUrl), ctx.settings().maxImagePixels, 'bytes')).image);
  } catch {
    ctx.session.setBusy(undefined);
  }
}

/** Flow 3: the visible tab (a mockup) → HTML, or another task. */
export async function tabFlow(ctx: FlowContext, task: Task, tab: Browser.tabs.Tab): Promise<Conversation | undefined> {
  const { session, settings } = ctx;
  const conversation = session.start('tab', tab);
  session.setBusy(t('busyCapturing'));
  try {
    const capture = await browser.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
    const prepared = await cropCapture(capture, null, settings().maxImagePixels, 'tab');
    await session.submitImage(conversation, task, prepared, task === 'ocr' && tab.id !== undefined ? { hook: ocrHook(ctx, tab.id) } : {});
  } catch (error) {
    session.fail(conversation, task, t('errCapture', error instanceof Error ? error.message : String(error)), await captureHint());
  }
  return conversation;
}

/** After OCR: copy the text (setting) and overlay the lines on the page as selectable text. */
function ocrHook(ctx: FlowContext, tabId: number, page?: { x: number; y: number; width: number; height: number }) {
  return (turn: Turn, conversation: Conversation) => {
    if (turn.status !== 'done') return;
    const s = ctx.settings();
    if (s.autoCopy && turn.text) {
      void sendToTab(tabId, { type: 'copy', text: turn.text }).then((ok) => {
        if (ok) void sendToTab(tabId, { type: 'toast', text: t('toastCopied', turn.lines?.length ?? turn.text.split('\n').length) });
      });
    }
    if (s.ocrOverlay && page && turn.lines?.length && conversation.image) {
      void sendToTab(tabId, {
        type: 'show-ocr',
        page,
        image: { width: conversation.image.width, height: conversation.image.height },
        lines: turn.lines.map((l) => ({ text: l.text, box: l.box })),
      });
    }
  };
}

async function fetchImage(url: string): Promise<Uint8Array | undefined> {
  try {
    if (url.startsWith('data:')) return dataUrlToBytes(url);
    if (!/^https?:/i.test(url)) return undefined;
    // The background may send the user's cookies where the browser allows (host permission).
    const res = await fetch(url, { credentials: 'include', signal: AbortSignal.timeout(15_000) });
    if (!res.ok) return undefined;
    return new Uint8Array(await res.arrayBuffer());
  } catch {
    return undefined;
  }
}

export async function captureSize(dataUrl: string): Promise<{ width: number; height: number }> {
  const bitmap = await createImageBitmap(new Blob([dataUrlToBytes(dataUrl) as BlobPart]));
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}
