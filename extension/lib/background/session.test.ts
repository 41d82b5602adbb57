import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { decodeSubmitFrame, parseServerMessage } from '@loupe/shared';
import { listHistory } from '../history/history-store';
import type { CompanionLink } from '../link/companion-link';
import { defaultSettings } from '../settings/settings';
import { Session } from './session';
import { testClip } from '../video/test-clip';

function fakeLink(kind: 'connected' | 'offline' = 'connected') {
  const sent: Array<string | Uint8Array> = [];
  const link = {
    current: kind === 'connected' ? { kind, port: 7391, hello: {} } : { kind, port: 7391, retryInMs: 1000 },
    ready: vi.fn(async () => {
      if (kind !== 'connected') throw new Error(kind);
    }),
    send: vi.fn((d: string | Uint8Array) => void sent.push(d)),
  };
  return { link: link as unknown as CompanionLink, sent };
}

const image = { bytes: new Uint8Array([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]), image: { dataUrl: 'data:image/png;base64,AA', width: 4, height: 2, bytes: 7, origin: 'bytes' as const } };
const model = { id: 'm', engine: 'vlm', device: 'cpu', standIn: true };
const msg = (m: unknown) => parseServerMessage(JSON.stringify(m));

beforeEach(() => fakeBrowser.reset());

describe('Session', () => {
  it('sends the first job as one binary frame with the image bytes and the conversation id', async () => {
    const { link, sent } = fakeLink();
    const session = new Session(link, () => ({ ...defaultSettings(), language: 'zh-CN' }));
    const c = session.start('image');
    await session.submitImage(c, 'describe', image);
    const { job, images } = decodeSubmitFrame(sent[0] as Uint8Array);
    expect(job).toMatchObject({ type: 'submit', task: 'describe', locale: 'zh-CN', conversationId: c.id, images: [7] });
    expect([...images[0]!]).toEqual([...image.bytes]);
    expect(c.turns[0]!.id).toBe(job.id);
  });

  it('sends follow-ups as JSON text with the same conversation id and no image', async () => {
    const { link, sent } = fakeLink();
    const session = new Session(link, defaultSettings);
    const c = session.start('image');
    await session.submitImage(c, 'describe', image);
    await session.followup('make the header sticky', 'code');
    const follow = JSON.parse(sent[1] as string);
    expect(follow).toMatchObject({ type: 'submit', task: 'code', prompt: 'make the header sticky', conversationId: c.id });
    expect(follow.images).toBeUndefined();
  });

  it('after a reconnect, sends the image again with the follow-up (the companion scopes conversations to a connection)', async () => {
    const { link, sent } = fakeLink();
    const session = new Session(link, defaultSettings);
    const c = session.start('image');
    await session.submitImage(c, 'describe', image);
    session.onDisconnect();
    await session.followup('and the footer?', 'ask');
    const { job, images } = decodeSubmitFrame(sent[1] as Uint8Array);
    expect(job).toMatchObject({ type: 'submit', task: 'ask', prompt: 'and the footer?', conversationId: c.id });
    expect(images).toHaveLength(1);
    await session.followup('one more', 'ask');
    expect(typeof sent[2]).toBe('string');
  });

  it('writes a finished conversation to history, with the model that answered', async () => {
    const { link } = fakeLink();
    const session = new Session(link, defaultSettings);
    const c = session.start('region');
    const hook = vi.fn();
    await session.submitImage(c, 'ocr', image, { hook });
    const id = c.turns[0]!.id;
    session.onServerMessage(msg({ type: 'started', id, model }));
    session.onServerMessage(msg({ type: 'delta', id, text: 'Hello' }));
    expect(await listHistory()).toHaveLength(0);
    session.onServerMessage(msg({ type: 'done', id, text: 'Hello world', finishReason: 'stop', model, stats: { totalMs: 5 }, lines: [{ text: 'Hello world', box: [0, 0, 4, 2], score: 0.9 }] }));
    expect(hook).toHaveBeenCalledTimes(1);
    await vi.waitFor(async () => expect(await listHistory()).toHaveLength(1));
    expect((await listHistory())[0]!.turns[0]).toMatchObject({ text: 'Hello world', model: 'm', standIn: true, status: 'done' });
  });

  it('ends the turn with the fix when the companion cannot be reached', async () => {
    const { link, sent } = fakeLink('offline');
    const session = new Session(link, defaultSettings);
    const c = session.start('tab');
    await session.submitImage(c, 'code', image);
    expect(sent).toHaveLength(0);
    expect(c.turns[0]).toMatchObject({ status: 'error', error: { code: 'disconnected' } });
    expect(c.turns[0]!.error!.hint).toContain('`loupe start`');
  });

  it('does not store a conversation whose only job failed before answering', async () => {
    const { link } = fakeLink('offline');
    const session = new Session(link, defaultSettings);
    await session.submitImage(session.start('tab'), 'code', image);
    await new Promise((r) => setTimeout(r, 20));
    expect(await listHistory()).toEqual([]);
  });

  it('a conversation continued from history that the companion no longer knows is sent again with its thumbnail', async () => {
    const { link, sent } = fakeLink();
    const session = new Session(link, defaultSettings);
    const c = session.start('image');
    c.image = image.image;
    c.restored = 'history';
    c.turns.push({ id: 'old', task: 'describe', status: 'done', text: 'earlier answer', createdAt: 1 });
    await session.followup('and the colour?');
    // The companion has never seen this conversation on this connection: the first follow-up
    // already carries the stored thumbnail, so no round trip through not_found is needed.
    expect(sent).toHaveLength(1);
    const { job, images } = decodeSubmitFrame(sent[0] as Uint8Array);
    expect(job).toMatchObject({ task: 'ask', prompt: 'and the colour?', conversationId: c.id });
    expect(images[0]!.length).toBe(1); // the data URL's bytes ('AA' is one byte)
    expect(c.turns.map((x) => x.status)).toEqual(['done', 'sending']);
  });

  it('a follow-up with attached images sends only the new ones, in the same conversation; after a reconnect, every image in order', async () => {
    const { link, sent } = fakeLink();
    const session = new Session(link, defaultSettings);
    const c = session.start('image');
    await session.submitImage(c, 'describe', image);
    const second = { dataUrl: 'data:image/png;base64,AAEC', width: 3, height: 3, bytes: 3, origin: 'crop' as const };
    expect(session.attach(second)).toBe(true);
    expect(session.snapshot().draft).toEqual([second]);
    await session.followup('and in this one?', 'ask', { type: 'json_object' });
    const { job, images } = decodeSubmitFrame(sent[1] as Uint8Array);
    expect(job).toMatchObject({ task: 'ask', prompt: 'and in this one?', conversationId: c.id, format: { type: 'json_object' }, images: [3] });
    expect([...images[0]!]).toEqual([0, 1, 2]);
    expect(c.turns[1]!.images).toEqual([second]);
    expect(session.draft).toEqual([]);
    session.onDisconnect();
    await session.followup('compare them');
    expect(decodeSubmitFrame(sent[2] as Uint8Array).images.map((i) => i.length)).toEqual([1, 3]);
  });

  it('attaches at most as many images as the companion keeps per conversation', async () => {
    const { link } = fakeLink();
    const session = new Session(link, defaultSettings);
    await session.submitImage(session.start('image'), 'describe', image);
    const results = [1, 2, 3, 4].map(() => session.attach({ ...image.image }));
    expect(results).toEqual([true, true, true, false]);
    expect(session.attachRoom()).toBe(0);
    session.detach(0);
    expect(session.attachRoom()).toBe(1);
  });

  it('fails running turns when the link drops', async () => {
    const { link } = fakeLink();
    const session = new Session(link, defaultSettings);
    const c = session.start('image');
    await session.submitImage(c, 'describe', image);
    session.onDisconnect();
    expect(c.turns[0]!.status).toBe('error');
  });
  describe('video', () => {
    const jpeg = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, n]);
    const video = () => ({
      frames: [jpeg(1), jpeg(2)],
      video: { ...testClip({ width: 4, height: 2, bytes: 8, thumbs: ['data:image/jpeg;base64,AA', 'data:image/jpeg;base64,AB'] }), target: { tabId: 1, frameId: 0, videoId: 1 } },
    });

    it('Explain: one binary frame with the stills in time order and the clip (their times)', async () => {
      const { link, sent } = fakeLink();
      const session = new Session(link, defaultSettings);
      const c = session.start('video');
      await session.submitVideo(c, 'describe', video());
      const { job, images } = decodeSubmitFrame(sent[0] as Uint8Array);
      expect(job).toMatchObject({ task: 'describe', conversationId: c.id, images: [4, 4], video: { frameTimes: [0.5, 1.5], range: [0, 2], duration: 2, source: 'element' } });
      expect(images.map((x) => x[3])).toEqual([1, 2]);
      expect(c.video?.frames).toHaveLength(2);
    });

    it('Ask: nothing is sent until the question, which carries the stills; the next follow-up is text only', async () => {
      const { link, sent } = fakeLink();
      const session = new Session(link, defaultSettings);
      const c = session.start('video');
      session.readyVideo(c, video());
      expect(sent).toHaveLength(0);
      expect(c.turns).toHaveLength(0);
      await session.followup('What happens at 0:01?');
      const { job, images } = decodeSubmitFrame(sent[0] as Uint8Array);
      expect(job).toMatchObject({ task: 'ask', prompt: 'What happens at 0:01?', video: { frameTimes: [0.5, 1.5] } });
      expect(images).toHaveLength(2);
      await session.followup('and then?');
      expect(JSON.parse(sent[1] as string)).not.toHaveProperty('video');
    });

    it('a video conversation takes no attached images (its follow-ups are about the clip)', async () => {
      const { link } = fakeLink();
      const session = new Session(link, defaultSettings);
      await session.submitVideo(session.start('video'), 'describe', video());
      expect(session.attachRoom()).toBe(0);
      expect(session.attach({ ...image.image })).toBe(false);
      expect(session.snapshot().draft).toEqual([]);
    });

    it('history keeps the filmstrip; a restored video conversation sends its thumbnails as the frames', async () => {
      const { link, sent } = fakeLink();
      const session = new Session(link, defaultSettings);
      const c = session.start('video');
      await session.submitVideo(c, 'describe', video());
      const { id } = decodeSubmitFrame(sent[0] as Uint8Array).job;
      session.onServerMessage(msg({ type: 'done', id, text: 'a clip', finishReason: 'stop', model, stats: { totalMs: 1, videoFrames: 2, videoFrameTimes: [0.5, 1.5] } }));
      await vi.waitFor(async () => expect((await listHistory())[0]?.video?.frames.map((f) => f.time)).toEqual([0.5, 1.5]));
      const entry = (await listHistory())[0]!;
      expect(entry.source).toBe('video');
      expect(entry.thumbnail).toBe('data:image/jpeg;base64,AB');
      // A new background (the browser restarted): only history holds the conversation.
      const other = fakeLink();
      const restored = new Session(other.link, defaultSettings);
      await restored.continueFrom(entry.id);
      expect(restored.conversation?.video?.clip.frameTimes).toEqual([0.5, 1.5]);
      expect(restored.conversation?.video?.target).toBeUndefined();
      await restored.followup('when does it end?');
      const { job, images } = decodeSubmitFrame(other.sent[0] as Uint8Array);
      expect(job).toMatchObject({ conversationId: entry.id, video: { frameTimes: [0.5, 1.5] } });
      expect(images.map((x) => x.byteLength)).toEqual([1, 1]);
    });
  });
});
