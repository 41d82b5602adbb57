import type { VideoClip } from '@loupe/shared';
import { browser, type Browser } from 'wxt/browser';
import { viewportRectToCapture } from '../capture/crop-math';
import { bytesToDataUrl, cropToJpeg, dataUrlToBytes, thumbnail } from '../capture/image-bytes';
import { t } from '../i18n/i18n';
import type { Conversation, SentVideo } from '../jobs/conversation';
import { VideoFrames, VideoOnScreen, VideoProbe } from '../messages';
import { FRAME_PIXEL_CAP, MAX_SAMPLED_FRAMES, MAX_TAB_CAPTURE_FRAMES, chooseFrameTimes, chooseRange, type RangeRequest } from '../video/frame-times';
import { captureSize, ensureContentScript, sendToTab, siteAccessWithdrawn, type FlowContext } from './flows';

/** The stills of one clip as sent (bytes in time order) and as the panel shows them. */
export interface PreparedVideo {
  frames: Uint8Array[];
  video: SentVideo;
}

export type VideoTask = 'describe' | 'ask';

/** Chrome allows two captureVisibleTab calls a second. */
const CAPTURE_GAP_MS = 550;
const THUMB_SIDE = 160;

/**
 * "Explain video" / "Ask about video" on a right-clicked <video>: the range to sample (the whole
 * video unless the user picked one, see ../video/frame-times.ts), stills drawn from the element,
 * or, when its pixels cannot be read (another site's video), tab captures while it is seeked
 * frame by frame; then Explain sends them, and Ask waits in the panel for the question.
 */
export async function videoFlow(
  ctx: FlowContext,
  tab: Browser.tabs.Tab,
  target: { frameId: number; videoId?: number; srcUrl?: string },
  task: VideoTask,
  request: RangeRequest = { kind: 'default' },
  prompt?: string,
): Promise<void> {
  const { session } = ctx;
  const conversation = session.start('video', tab);
  session.setBusy(t('busyVideoProbe'));
  const tabId = tab.id;
  if (tabId === undefined || !(await ensureContentScript(tabId))) {
    return session.fail(conversation, task, t('errRestricted'), (await siteAccessWithdrawn()) ? t('hintSiteAccessFirefox') : t('hintRestricted'));
  }
  const probed = VideoProbe.safeParse(await sendToTab(tabId, { type: 'video-probe', ...(target.videoId ? { videoId: target.videoId } : {}), ...(target.srcUrl ? { srcUrl: target.srcUrl } : {}) }, target.frameId));
  if (!probed.success) return session.fail(conversation, task, t('errNoVideo'), t('hintNoVideo'));
  const probe = probed.data;
  if (!probe.width || !probe.height) return session.fail(conversation, task, t('errVideoNotReady'), t('hintVideoNotReady'));
  const range = chooseRange({ duration: probe.duration ?? Infinity, currentTime: probe.currentTime, ...(probe.seekable ? { seekable: probe.seekable } : {}) }, request);
  const where = { tabId, frameId: target.frameId, videoId: probe.videoId };

  let sampled: Array<{ time: number; bytes: Uint8Array; width: number; height: number }> | undefined;
  let source: NonNullable<VideoClip['source']> = 'element';
  if (!probe.tainted) {
    session.setBusy(t('busyVideoFrames'));
    const reply = VideoFrames.safeParse(await sendToTab(tabId, { type: 'video-frames', videoId: probe.videoId, times: chooseFrameTimes(range, MAX_SAMPLED_FRAMES), maxPixels: FRAME_PIXEL_CAP }, target.frameId));
    if (reply.success && 'frames' in reply.data) sampled = reply.data.frames.map((f) => ({ time: f.time, bytes: dataUrlToBytes(f.dataUrl), width: f.width, height: f.height }));
  }
  if (!sampled) {
    // Another site's video: the page may show it but not hand over its pixels. The screen may.
    if (!probe.topFrame) return session.fail(conversation, task, t('errVideoInFrame'), t('hintVideoInFrame'));
    source = 'tab-capture';
    try {
      sampled = await captureFrames(ctx, tab, where, chooseFrameTimes(range, MAX_TAB_CAPTURE_FRAMES));
    } catch (error) {
      return session.fail(conversation, task, t('errCapture', error instanceof Error ? error.message : String(error)), t('hintCapture'));
    }
  }
  if (!sampled?.length) return session.fail(conversation, task, t('errNoVideo'), t('hintNoVideo'));

  const first = sampled[0]!;
  const clip: SentVideo['clip'] = { frameTimes: sampled.map((f) => f.time), range, source, ...(probe.duration ? { duration: probe.duration } : {}) };
  const thumbs = await Promise.all(sampled.map((f) => thumbnail(bytesToDataUrl(f.bytes, 'image/jpeg'), THUMB_SIDE)));
  const prepared: PreparedVideo = {
    frames: sampled.map((f) => f.bytes),
    video: {
      clip,
      frames: sampled.map((f, i) => ({ time: f.time, thumb: thumbs[i] ?? '' })),
      width: first.width,
      height: first.height,
      bytes: sampled.reduce((n, f) => n + f.bytes.byteLength, 0),
      target: where,
    },
  };
  if (task === 'describe' || prompt) await session.submitVideo(conversation, task, prepared, prompt);
  else session.readyVideo(conversation, prepared);
}

/** Tab captures of the video's box, one per time, the video paused on each frame (then restored). */
async function captureFrames(ctx: FlowContext, tab: Browser.tabs.Tab, where: { tabId: number; frameId: number; videoId: number }, times: number[]) {
  const frames: Array<{ time: number; bytes: Uint8Array; width: number; height: number }> = [];
  await sendToTab(where.tabId, { type: 'video-hold', videoId: where.videoId }, where.frameId);
  let last = 0;
  try {
    for (const [i, time] of times.entries()) {
      ctx.session.setBusy(t('busyVideoCapture', i + 1, times.length));
      const at = VideoOnScreen.safeParse(await sendToTab(where.tabId, { type: 'video-capture-seek', videoId: where.videoId, time }, where.frameId));
      if (!at.success) throw new Error(t('errNoVideo'));
      const wait = last + CAPTURE_GAP_MS - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      last = Date.now();
      const capture = await browser.tabs.captureVisibleTab(tab.windowId, { format: 'jpeg', quality: 92 });
      const size = await captureSize(capture);
      const crop = viewportRectToCapture(at.data.rect, at.data.viewport, size, at.data.dpr);
      if (!crop) throw new Error(t('errRegionEmpty'));
      frames.push({ time, ...(await cropToJpeg(capture, crop, FRAME_PIXEL_CAP)) });
    }
  } finally {
    await sendToTab(where.tabId, { type: 'video-release', videoId: where.videoId }, where.frameId);
  }
  return frames;
}

/**
 * A timestamp clicked in the panel: the video's tab comes to the front and the video seeks there.
 * A conversation restored from history has no live target: the page's main video, in a tab at its URL.
 */
export async function seekVideo(conversation: Conversation | null, time: number): Promise<boolean> {
  const target = conversation?.video?.target;
  let tabId = target?.tabId;
  if (tabId === undefined || !(await browser.tabs.get(tabId).catch(() => undefined))) {
    const url = conversation?.pageUrl;
    tabId = url ? (await browser.tabs.query({}).catch(() => [] as Browser.tabs.Tab[])).find((x) => x.url === url)?.id : undefined;
    if (tabId === undefined || !(await ensureContentScript(tabId))) return false;
    return !!(await sendToTab(tabId, { type: 'video-seek', time }, 0));
  }
  await browser.tabs.update(tabId, { active: true }).catch(() => undefined);
  return !!(await sendToTab(tabId, { type: 'video-seek', videoId: target!.videoId, time }, target!.frameId));
}

/** The panel's range picker: the same video sampled again over another range, the same task and question. */
export async function resampleVideo(ctx: FlowContext, request: RangeRequest): Promise<void> {
  const conversation = ctx.session.conversation;
  const target = conversation?.video?.target;
  if (!conversation || !target) return;
  const tab = await browser.tabs.get(target.tabId).catch(() => undefined);
  if (!tab) return;
  const first = conversation.turns[0];
  const task: VideoTask = first?.task === 'describe' ? 'describe' : 'ask';
  await videoFlow(ctx, tab, { frameId: target.frameId, videoId: target.videoId }, task, request, first?.task === 'ask' ? first.prompt : undefined);
}
