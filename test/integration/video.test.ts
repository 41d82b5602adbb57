import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeTestClip } from '@loupe/companion/video/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loupe } from '../helpers/cli';
import { authFetch, startDaemon, type RunningDaemon } from '../helpers/daemon';
import { standInModel } from '../helpers/standin';
import { vlmReady } from '../helpers/vlm-ready';

/**
 * Video end to end: `loupe describe test.mp4 --json` against the real daemon with the qwen-vl engine
 * on a Qwen2.5-VL stand-in (noise words, real plumbing); test.mp4 is written here with the bundled
 * ffmpeg (lavfi testsrc), 8 s at 320×240.
 */
let d: RunningDaemon;
let model: { dir: string; cleanup(): void };
let work: string;
let clip: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'loupe-video-it-'));
  clip = join(work, 'test.mp4');
  // EOS once prompt + answer reach 560 tokens: the 396 video tokens and the prompt leave a short answer.
  model = await standInModel({ family: 'qwen2_5_vl', eosAfter: 560 });
  [d] = await Promise.all([startDaemon({ args: ['--model', model.dir, '--device', 'cpu'] }), makeTestClip(clip, { seconds: 8, width: 320, height: 240 })]);
  await vlmReady(d, 180_000);
}, 240_000);
afterAll(async () => {
  await d?.stop();
  model?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

interface VideoJson {
  description: string;
  stand_in: boolean;
  stats: { videoFrames: number; videoFrameTimes: number[]; visualTokens: number; promptTokens: number };
  video: { file: string; duration: number; range: [number, number]; frames_sampled: number; frame_times: number[]; frames_seen: number; frame_times_seen: number[] };
}

describe('video through the daemon', () => {
  it('loupe describe test.mp4 --json reports the frames sampled, their times, and what the model saw', async () => {
    const r = await loupe(['describe', clip, '--json'], { LOUPE_HOME: d.home });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as VideoJson;
    expect(out.stand_in).toBe(true);
    expect(out.video).toMatchObject({ duration: 8, range: [0, 8], frames_sampled: 8, frame_times: [0, 1, 2, 3, 4, 5, 6, 7], frames_seen: 8, frame_times_seen: [0, 1, 2, 3, 4, 5, 6, 7] });
    expect(out.stats.videoFrameTimes).toEqual(out.video.frame_times);
    // The video contract at the engine input: 320×240 frames → 308×252 (multiples of 28) → 11×9 merged
    // patches per temporal patch; 8 frames → 4 temporal patches → 396 video tokens in the prompt.
    expect(out.stats.visualTokens).toBe(4 * 11 * 9);
    expect(out.stats.promptTokens).toBeGreaterThan(out.stats.visualTokens);
    expect(r.stderr).toMatch(/loupe describe: decoding .*test\.mp4: frame 8\/8/);
    expect(r.stderr).toMatch(/sampled 8 frames of .*test\.mp4 \(00:00–00:08\)/);
  }, 120_000);

  it('--from/--to/--frames pick the part and the count', async () => {
    const r = await loupe(['describe', clip, '--json', '--from', '2', '--to', '6', '--frames', '3'], { LOUPE_HOME: d.home });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim()) as VideoJson;
    expect(out.video).toMatchObject({ range: [2, 6], frames_sampled: 3 });
    expect(out.video.frame_times[0]).toBe(2);
    expect(out.video.frame_times.every((t) => t >= 2 && t < 6)).toBe(true);
  }, 120_000);

  it('a file that is not a video fails with one line naming it', async () => {
    const fake = join(work, 'notes.mp4');
    writeFileSync(fake, 'meeting notes, not a video\n');
    const r = await loupe(['describe', fake, '--json'], { LOUPE_HOME: d.home });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^loupe describe: notes\.mp4 is not a video file ffmpeg can read — /)]);
  }, 60_000);

  it('/v1/chat/completions takes a video_url part (data:video/mp4) and answers with the frames it saw', async () => {
    const url = `data:video/mp4;base64,${readFileSync(clip).toString('base64')}`;
    const body = { messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url } }, { type: 'text', text: 'What happens, and when?' }] }], max_tokens: 4 };
    const r = await authFetch(d, '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(r.status).toBe(200);
    const json = (await r.json()) as { choices: { message: { content: string } }[]; loupe: { stats: VideoJson['stats'] } };
    expect(typeof json.choices[0]!.message.content).toBe('string');
    expect(json.loupe.stats.videoFrames).toBe(8);
    expect(json.loupe.stats.videoFrameTimes).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);

    const notVideo = { messages: [{ role: 'user', content: [{ type: 'video_url', video_url: { url: `data:video/mp4;base64,${Buffer.from('hello').toString('base64')}` } }] }] };
    const bad = await authFetch(d, '/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(notVideo) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/not a video file/);
  }, 120_000);

  it('POST /v1/describe takes a multipart `video` file and reports the frames', async () => {
    const form = new FormData();
    form.append('video', new Blob([new Uint8Array(readFileSync(clip))], { type: 'video/mp4' }), 'test.mp4');
    const r = await authFetch(d, '/v1/describe', { method: 'POST', body: form });
    expect(r.status).toBe(200);
    const out = (await r.json()) as VideoJson;
    expect(out.video).toMatchObject({ frames_sampled: 8, frames_seen: 8, duration: 8 });
    expect(out.stats.visualTokens).toBe(4 * 11 * 9);
  }, 120_000);
});
