import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Done } from '@loupe/shared';
import type { JobService } from './job-service';
import { doubleService, RecordingSink, submitJob, testPng } from './test-support';

/** A follow-up that brings a new image: the engine job carries every image of the conversation, in order. */
let service: JobService;
beforeAll(async () => {
  service = await doubleService();
}, 60_000);
afterAll(async () => {
  await service?.close();
});

describe('images across turns', () => {
  it('appends a follow-up’s image to the conversation’s and keeps the history', async () => {
    const sink = new RecordingSink();
    const first = await testPng();
    const second = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: '#cc3366' } }).png().toBuffer());
    await submitJob(service, 'c', sink, { id: 'a1', task: 'describe', conversationId: 'conv-img' });
    expect((await sink.terminal('a1')).type).toBe('done');
    await submitJob(service, 'c', sink, { id: 'a2', task: 'ask', prompt: 'and in this one?', conversationId: 'conv-img' }, [second]);
    expect(((await sink.terminal('a2')) as Done).text).toMatch(new RegExp(`^ask\\|images=${first.byteLength},${second.byteLength}\\|history=2\\|`));
    await submitJob(service, 'c', sink, { id: 'a3', task: 'ask', prompt: 'compare them', conversationId: 'conv-img' }, []);
    expect(((await sink.terminal('a3')) as Done).text).toMatch(new RegExp(`images=${first.byteLength},${second.byteLength}\\|history=4`));
  });
});
