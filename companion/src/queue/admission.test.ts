import type { ErrorReply } from '@loupe/shared';
import { SubmitJob } from '@loupe/shared';
import { describe, expect, it } from 'vitest';
import { sharp } from '../intake/sharp';
import { FakeLane } from './fake-lane';
import { RecordingSink, fakeQueue, queuedOrEnded, submitJob, testPng } from './test-support';

/** Admission on fake lanes: limits, intake checks and conversations, before any engine runs. */

describe('admission limits', () => {
  it('refuses jobs over the per-connection cap and the global queue cap with busy', async () => {
    const { service, vlm } = fakeQueue({ perClientJobs: 4, globalQueue: 10, perIdentityJobs: 100 });
    const sink = new RecordingSink();
    for (const id of ['k1', 'k2', 'k3', 'k4']) await submitJob(service, 'c', sink, { id, task: 'describe' });
    await submitJob(service, 'c', sink, { id: 'k5', task: 'describe' });
    const busy = (await sink.terminal('k5')) as ErrorReply;
    expect(busy).toMatchObject({ type: 'error', code: 'busy', message: 'this connection already has 4 jobs in flight (limit 4)' });
    expect(busy.hint).toMatch(/cancel/);
    await queuedOrEnded(sink, 'k4');
    // k1 runs; 3 wait. Seven more from other clients fill the queue to 10; the next is refused.
    const others = new RecordingSink();
    for (let i = 0; i < 7; i++) await submitJob(service, `o${i}`, others, { id: `g${i}`, task: 'describe' });
    await submitJob(service, 'o-over', others, { id: 'g-over', task: 'describe' });
    expect(await others.terminal('g-over')).toMatchObject({ code: 'busy', message: "the companion's queue is full (10 jobs waiting)" });
    expect(vlm.ran).toEqual(['k1']);
  });

  it('counts one identity over all its connections', async () => {
    const { service } = fakeQueue({ perClientJobs: 4, perIdentityJobs: 3 });
    const sink = new RecordingSink();
    for (const [conn, id] of [['tab1', 'i1'], ['tab2', 'i2'], ['tab3', 'i3'], ['tab4', 'i4']] as const) {
      service.submit({ clientId: conn, identity: 'chrome-extension://x', job: SubmitJob.parse({ type: 'submit', id, task: 'describe', images: [1] }), images: [await testPng()] }, sink);
    }
    expect(await sink.terminal('i4')).toMatchObject({ code: 'busy', message: 'this client already has 3 jobs in flight over all its connections' });
    expect(sink.terminals('i1')).toEqual([]);
  });

  it('refuses images that would push the bytes held over the limit, and frees them when jobs end', async () => {
    const png = await testPng();
    const { service, vlm } = fakeQueue({ imageBytes: png.byteLength * 2 });
    const sink = new RecordingSink();
    await submitJob(service, 'a', sink, { id: 'm1', task: 'describe' });
    await submitJob(service, 'b', sink, { id: 'm2', task: 'describe' });
    await submitJob(service, 'c', sink, { id: 'm3', task: 'describe' });
    expect(await sink.terminal('m3')).toMatchObject({ code: 'busy', message: expect.stringMatching(/MB of queued images/) });
    await vlm.whenRunning('m1');
    vlm.answer();
    await submitJob(service, 'c', sink, { id: 'm4', task: 'describe' });
    await queuedOrEnded(sink, 'm4');
    expect(sink.terminals('m4')).toEqual([]);
  });

  it('refuses a job id already in flight on the connection, without an id on the reply', async () => {
    const { service } = fakeQueue();
    const sink = new RecordingSink();
    await submitJob(service, 'c', sink, { id: 'dup', task: 'describe' });
    await submitJob(service, 'c', sink, { id: 'dup', task: 'describe' });
    expect(sink.messages.find((m) => m.type === 'error')).toEqual({ type: 'error', code: 'bad_request', message: 'job id "dup" is already in use on this connection', hint: 'Give every job a fresh id.' });
  });
});

describe('intake checks', () => {
  it('rejects bad images, a region outside the image and a job with no image before any lane sees them', async () => {
    const { service, ocr, vlm } = fakeQueue();
    const sink = new RecordingSink();
    const gif = await sharp({ create: { width: 4, height: 4, channels: 3, background: 'red' } }).gif().toBuffer();
    const png = await testPng();
    await submitJob(service, 'c', sink, { id: 'bad1', task: 'describe' }, [gif]);
    await submitJob(service, 'c', sink, { id: 'bad2', task: 'ocr' }, [png.subarray(0, png.length - 20)]);
    await submitJob(service, 'c', sink, { id: 'bad3', task: 'describe', region: { x: 500, y: 0, width: 10, height: 10 } });
    await submitJob(service, 'c', sink, { id: 'bad4', task: 'describe' }, []);
    expect(await sink.terminal('bad1')).toMatchObject({ code: 'unsupported_image', message: expect.stringMatching(/GIF/) });
    expect(await sink.terminal('bad2')).toMatchObject({ code: 'unsupported_image' });
    expect(await sink.terminal('bad3')).toMatchObject({ code: 'bad_request', message: expect.stringMatching(/outside/) });
    expect(await sink.terminal('bad4')).toMatchObject({ code: 'bad_request', message: 'this job has no image' });
    for (const id of ['bad1', 'bad2', 'bad3', 'bad4']) expect(sink.of(id).map((m) => m.type)).toEqual(['error']);
    expect([...ocr.ran, ...vlm.ran]).toEqual([]);
  });

  it('refuses several images for an engine that takes one', async () => {
    const { service, ocr } = fakeQueue();
    const sink = new RecordingSink();
    const png = await testPng();
    await submitJob(service, 'c', sink, { id: 'two', task: 'ocr' }, [png, png]);
    expect(await sink.terminal('two')).toMatchObject({ code: 'bad_request', message: 'the fake-ocr engine takes one image per job' });
    expect(ocr.ran).toEqual([]);
  });

  it('says which engine is missing when no lane of the kind exists', async () => {
    const { service } = fakeQueue({}, [new FakeLane('fake-ocr', 'ocr'), new FakeLane('other-ocr', 'ocr')]);
    const sink = new RecordingSink();
    await submitJob(service, 'c', sink, { id: 'v', task: 'describe' });
    expect(await sink.terminal('v')).toMatchObject({ code: 'engine_unavailable', message: 'no vision-language model is loaded, so "describe" jobs cannot run', hint: expect.stringMatching(/loupe models pull/) });
  });
});

describe('conversations', () => {
  it('a follow-up with only the conversationId reuses the image and the turns so far', async () => {
    const { service, vlm } = fakeQueue();
    const sink = new RecordingSink();
    const png = await testPng();
    await submitJob(service, 'c', sink, { id: 'v1', task: 'describe', conversationId: 'conv' });
    await vlm.whenRunning('v1');
    vlm.answer('a blue square');
    await submitJob(service, 'c', sink, { id: 'v2', task: 'ask', prompt: 'and the colour?', conversationId: 'conv' }, []);
    const follow = await vlm.whenRunning('v2');
    expect([...follow.job.images[0]!]).toEqual([...png]);
    expect(follow.job.history).toEqual([
      { role: 'user', text: 'Describe the image.' },
      { role: 'assistant', text: 'a blue square' },
    ]);
    vlm.answer('blue');
    await submitJob(service, 'c', sink, { id: 'v3', task: 'ask', prompt: 'sure?', conversationId: 'conv' }, []);
    expect((await vlm.whenRunning('v3')).job.history.map((t) => t.text)).toEqual(['Describe the image.', 'a blue square', 'and the colour?', 'blue']);
  });

  it('does not know another connection’s conversation, nor one of a client that left', async () => {
    const { service, vlm } = fakeQueue();
    const sink = new RecordingSink();
    await submitJob(service, 'a', sink, { id: 'c1', task: 'describe', conversationId: 'conv' });
    await vlm.whenRunning('c1');
    vlm.answer();
    await submitJob(service, 'b', sink, { id: 'c2', task: 'ask', prompt: 'hm', conversationId: 'conv' }, []);
    expect(await sink.terminal('c2')).toMatchObject({ code: 'not_found', hint: 'Send the image again with your question.' });
    service.disconnect('a');
    await submitJob(service, 'a', sink, { id: 'c3', task: 'ask', prompt: 'hm', conversationId: 'conv' }, []);
    expect(await sink.terminal('c3')).toMatchObject({ code: 'not_found' });
    expect(vlm.ran).toEqual(['c1']);
  });

  it('a chat API job brings its own turns and may be text only; the system text goes first for an engine without its own', async () => {
    const plain = fakeQueue();
    const sink = new RecordingSink();
    const chat = { system: 'Be brief.', history: [{ role: 'user' as const, text: 'Hi' }, { role: 'assistant' as const, text: 'Hello' }] };
    plain.service.submit({ clientId: 'api', job: SubmitJob.parse({ type: 'submit', id: 'chat-1', task: 'ask', prompt: 'What?' }), images: [], chat }, sink);
    const run = await plain.vlm.whenRunning('chat-1');
    expect(run.job).toMatchObject({ prompt: 'Be brief.\n\nWhat?', images: [], history: chat.history });
    expect(run.job.system).toBeUndefined();
    const capable = fakeQueue({}, [new FakeLane('fake-ocr', 'ocr'), new FakeLane('remote', 'vlm', { systemPrompt: true })]);
    capable.service.submit({ clientId: 'api', job: SubmitJob.parse({ type: 'submit', id: 'chat-2', task: 'ask', prompt: 'What?' }), images: [], chat }, sink);
    expect((await capable.vlm.whenRunning('chat-2')).job).toMatchObject({ prompt: 'What?', system: 'Be brief.' });
    // Without the chat context a job with no image is still refused (WebSocket clients).
    plain.service.submit({ clientId: 'ws', job: SubmitJob.parse({ type: 'submit', id: 'chat-3', task: 'ask', prompt: 'What?' }), images: [] }, sink);
    expect(await sink.terminal('chat-3')).toMatchObject({ code: 'bad_request', message: 'this job has no image' });
  });
});

describe('video jobs through intake', () => {
  it('a clip reaches the VLM lane with its frame times; a follow-up in its conversation is about the same clip', async () => {
    const { service, vlm } = fakeQueue();
    const sink = new RecordingSink();
    const frames = [await testPng(), await testPng(), await testPng()];
    await submitJob(service, 'c', sink, { id: 'v1', task: 'describe', conversationId: 'vc', video: { frameTimes: [0, 1, 2], source: 'file' } }, frames);
    const first = await vlm.whenRunning('v1');
    expect(first.job.images).toHaveLength(3);
    expect(first.job.video).toEqual({ frameTimes: [0, 1, 2], source: 'file' });
    vlm.answer('a clip');
    await submitJob(service, 'c', sink, { id: 'v2', task: 'ask', prompt: 'and then?', conversationId: 'vc' }, []);
    const follow = await vlm.whenRunning('v2');
    expect(follow.job.images).toHaveLength(3);
    expect(follow.job.video?.frameTimes).toEqual([0, 1, 2]);
  });

  it('refuses a clip for an engine without video, and frames over MAX_VIDEO_BYTES together, each with a one-line reason', async () => {
    const { service, ocr, vlm } = fakeQueue({ imageBytes: 200_000_000 });
    const sink = new RecordingSink();
    await submitJob(service, 'c', sink, { id: 'v3', task: 'ocr', video: { frameTimes: [0, 1] } }, [await testPng(), await testPng()]);
    expect(await sink.terminal('v3')).toMatchObject({ type: 'error', code: 'bad_request', message: 'the fake-ocr engine does not take video', hint: expect.stringMatching(/one frame as an image/) });
    const png = await testPng();
    const big = new Uint8Array(1_100_000);
    big.set(png);
    const frames = Array.from({ length: 62 }, () => big);
    await submitJob(service, 'c', sink, { id: 'v4', task: 'describe', video: { frameTimes: frames.map((_, i) => i) } }, frames);
    expect(await sink.terminal('v4')).toMatchObject({ type: 'error', code: 'image_too_large', message: expect.stringMatching(/over the 64 MB limit/) });
    expect([...ocr.ran, ...vlm.ran]).toEqual([]);
  });
});
