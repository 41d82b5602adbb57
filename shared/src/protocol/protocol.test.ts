import { describe, expect, it } from 'vitest';
import { decodeSubmitFrame, encodeSubmitFrame, parseClientMessage, ProtocolError } from './index';

describe('binary submit frame', () => {
  it('round-trips a job with two images without copying their bytes into JSON', () => {
    const a = new Uint8Array([1, 2, 3]);
    const b = new Uint8Array([9, 8]);
    const frame = encodeSubmitFrame({ type: 'submit', id: 'j1', task: 'ask', prompt: 'compare', locale: 'zh-CN' }, [a, b]);
    const { job, images } = decodeSubmitFrame(frame);
    expect(job).toMatchObject({ id: 'j1', task: 'ask', images: [3, 2], locale: 'zh-CN' });
    expect([...images[0]!]).toEqual([1, 2, 3]);
    expect([...images[1]!]).toEqual([9, 8]);
  });

  it('rejects a frame whose listed image lengths do not match its size', () => {
    const frame = encodeSubmitFrame({ type: 'submit', id: 'j2', task: 'ocr' }, [new Uint8Array(10)]);
    expect(() => decodeSubmitFrame(frame.subarray(0, frame.length - 1))).toThrow(/image bytes/);
  });

  it('rejects a header length that points past the frame', () => {
    const frame = new Uint8Array([0, 0, 1, 0, 123]);
    expect(() => decodeSubmitFrame(frame)).toThrow(ProtocolError);
  });
});

describe('client messages', () => {
  it('defaults the locale and validates the task', () => {
    expect(parseClientMessage('{"type":"submit","id":"a","task":"describe"}')).toMatchObject({ locale: 'en', images: [] });
    const err = (() => {
      try {
        parseClientMessage('{"type":"submit","id":"a","task":"paint"}');
      } catch (e) {
        return e as ProtocolError;
      }
    })();
    expect(err?.code).toBe('bad_request');
    expect(err?.jobId).toBe('a');
    expect(err?.message).toMatch(/task/);
  });

  it('rejects unknown message types and non-JSON', () => {
    expect(() => parseClientMessage('{"type":"shutdown"}')).toThrow(ProtocolError);
    expect(() => parseClientMessage('not json')).toThrow(/not JSON/);
  });

  it('rejects unknown fields instead of ignoring them', () => {
    expect(() => parseClientMessage('{"type":"cancel","id":"a","extra":1}')).toThrow(ProtocolError);
  });
});

describe('video jobs', () => {
  const frames = (n: number) => Array.from({ length: n }, () => new Uint8Array([1, 2, 3]));
  it('carries up to MAX_VIDEO_FRAMES frames with one time each, in order', () => {
    const frame = encodeSubmitFrame({ type: 'submit', id: 'v1', task: 'describe', video: { frameTimes: [0, 1.5, 3], duration: 10, source: 'element' } }, frames(3));
    const { job, images } = decodeSubmitFrame(frame);
    expect(images).toHaveLength(3);
    expect(job.video?.frameTimes).toEqual([0, 1.5, 3]);
  });
  it('refuses more than four images without a video, a time count that does not match, and times out of order', () => {
    expect(() => decodeSubmitFrame(encodeSubmitFrame({ type: 'submit', id: 'v2', task: 'describe' }, frames(5)))).toThrow(/at most 4 images/);
    expect(() => decodeSubmitFrame(encodeSubmitFrame({ type: 'submit', id: 'v3', task: 'describe', video: { frameTimes: [0, 1] } }, frames(3)))).toThrow(/one frame time per image/);
    expect(() => decodeSubmitFrame(encodeSubmitFrame({ type: 'submit', id: 'v4', task: 'describe', video: { frameTimes: [2, 1] } }, frames(2)))).toThrow(/time order/);
  });
});
