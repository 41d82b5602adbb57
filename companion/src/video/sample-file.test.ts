import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharp } from '../intake/sharp';
import { parseProbe } from './probe';
import { sampleTimes, sampleVideoFile } from './sample-file';
import { makeTestClip } from './testing';

const dir = mkdtempSync(join(tmpdir(), 'loupe-video-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const clip = join(dir, 'test.mp4');
beforeAll(async () => makeTestClip(clip, { seconds: 6, width: 640, height: 480 }), 60_000);

describe('sampleVideoFile (bundled ffmpeg)', () => {
  it('samples ~1 fps with their times, JPEG stills scaled under the per-frame cap', async () => {
    const progress: number[] = [];
    const v = await sampleVideoFile(clip, { onFrame: (done) => progress.push(done) });
    expect(v.probe).toMatchObject({ codec: 'h264', width: 640, height: 480, duration: 6 });
    expect(v.clip).toMatchObject({ frameTimes: [0, 1, 2, 3, 4, 5], range: [0, 6], duration: 6, source: 'file' });
    expect(v.frames).toHaveLength(6);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    const meta = await sharp(v.frames[0]!).metadata();
    expect(meta.format).toBe('jpeg');
    expect(meta.width! * meta.height!).toBeLessThanOrEqual(360 * 420);
    expect(meta.width! / meta.height!).toBeCloseTo(4 / 3, 1);
    // Different times give different pictures (testsrc counts and moves).
    expect(Buffer.compare(Buffer.from(v.frames[0]!), Buffer.from(v.frames[3]!))).not.toBe(0);
  }, 60_000);

  it('honours --from/--to and --frames', async () => {
    const v = await sampleVideoFile(clip, { from: 2, to: 5, frames: 2 });
    expect(v.clip.frameTimes).toEqual([2, 3.5]);
    expect(v.clip.range).toEqual([2, 5]);
  }, 60_000);

  it('one-line errors: not a video, a missing file, an empty range', async () => {
    const text = join(dir, 'notes.mp4');
    writeFileSync(text, 'not a video at all\n');
    await expect(sampleVideoFile(text)).rejects.toThrow(/^notes.mp4 is not a video file ffmpeg can read$/);
    await expect(sampleVideoFile(join(dir, 'nope.mp4'))).rejects.toThrow(/nope.mp4 does not exist/);
    await expect(sampleVideoFile(clip, { from: 9 })).rejects.toThrow(/range .* is empty \(test.mp4 is 6 s long\)/);
  }, 60_000);
});

describe('sampling policy and probe parsing', () => {
  it('1 fps up to the frame budget: a 3-minute clip and a 1.5-hour one both give 64 frames, spread over the whole clip', () => {
    expect(sampleTimes(0, 10, 64)).toHaveLength(10);
    const short = sampleTimes(0, 180, 64);
    const long = sampleTimes(0, 5400, 64);
    expect([short.length, long.length]).toEqual([64, 64]);
    expect(long.at(-1)).toBeGreaterThan(5300);
    expect(long[1]! - long[0]!).toBeCloseTo(5400 / 64, 1);
  });

  it('names an unsupported codec and an audio-only file', () => {
    const codec = 'Input #0, matroska,webm, from \'a.mkv\':\n  Duration: 00:00:05.00, start: 0.000000\n    Stream #0:0: Video: av1 (Main), yuv420p, 1920x1080, 30 fps\n[av1 @ 0x1] Decoder (codec av1) not found for input stream #0:0';
    expect(() => parseProbe(codec, 'a.mkv')).toThrow('a.mkv: the video codec "av1" is not supported by the bundled ffmpeg');
    const audio = 'Input #0, mp3, from \'a.mp3\':\n  Duration: 00:03:00.00, start: 0.0\n    Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 128 kb/s';
    expect(() => parseProbe(audio, 'a.mp3')).toThrow('a.mp3 has no video stream');
  });
});
