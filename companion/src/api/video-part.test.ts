import { describe, expect, it } from 'vitest';
import { toConversation } from './conversation';
import { parseVideoPart, resolveVideo } from './video-part';

const jpeg = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0]).toString('base64')}`;

describe('video parts of a chat request', () => {
  it('reads a video_url data: URI as a file and a frame list with its fps as times', async () => {
    const file = parseVideoPart({ type: 'video_url', video_url: { url: `data:video/mp4;base64,${Buffer.from('mp4 bytes').toString('base64')}` } });
    expect('file' in file && Buffer.from(file.file).toString()).toBe('mp4 bytes');
    const frames = parseVideoPart({ type: 'video', video: [jpeg, jpeg, jpeg], fps: 2 });
    expect(await resolveVideo(frames)).toMatchObject({ clip: { frameTimes: [0, 0.5, 1] } });
  });

  it('refuses remote URLs, bad fps, and a video with images or a second video', () => {
    expect(() => parseVideoPart({ type: 'video_url', video_url: { url: 'https://example.com/a.mp4' } })).toThrow(/video URLs are not fetched/);
    expect(() => parseVideoPart({ type: 'video', video: [jpeg], fps: 0 })).toThrow(/fps/);
    const video = parseVideoPart({ type: 'video', video: [jpeg] });
    expect(() => toConversation([{ role: 'user', text: 'a', images: [new Uint8Array(3)], video }])).toThrow(/one video or images, not both/);
    expect(() => toConversation([{ role: 'user', text: 'a', images: [], video }, { role: 'assistant', text: 'b', images: [] }, { role: 'user', text: 'c', images: [], video }])).toThrow(/takes one video/);
    expect(toConversation([{ role: 'user', text: 'what happens?', images: [], video }]).video).toBe(video);
  });
});
