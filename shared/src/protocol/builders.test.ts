import { describe, expect, it } from 'vitest';
import { decodeSubmitFrame } from './binary-frame';
import { cancelMessage, helloMessage, pingMessage, statusMessage, submitFrame, submitText } from './builders';
import { ClientMessage } from './client-messages';
import { PROTOCOL_VERSION } from './constants';

describe('client message builders', () => {
  it('build messages the server accepts', () => {
    expect(ClientMessage.parse(JSON.parse(helloMessage({ name: 'loupe-test', version: '0' })))).toEqual({
      type: 'hello',
      protocols: [PROTOCOL_VERSION],
      client: { name: 'loupe-test', version: '0' },
    });
    expect(ClientMessage.parse(JSON.parse(cancelMessage('job-1')))).toEqual({ type: 'cancel', id: 'job-1' });
    expect(ClientMessage.parse(JSON.parse(statusMessage()))).toEqual({ type: 'status' });
    expect(ClientMessage.parse(JSON.parse(pingMessage(42)))).toEqual({ type: 'ping', t: 42 });
  });

  it('build a submit frame whose header lists the images, and a text submit without images', () => {
    const { job, images } = decodeSubmitFrame(submitFrame({ id: 'j1', task: 'ask', prompt: 'what?', conversationId: 'c1' }, [new Uint8Array([1, 2, 3])]));
    expect(job).toMatchObject({ type: 'submit', id: 'j1', task: 'ask', prompt: 'what?', conversationId: 'c1', images: [3] });
    expect([...images[0]!]).toEqual([1, 2, 3]);
    expect(ClientMessage.parse(JSON.parse(submitText({ id: 'j2', task: 'ask', prompt: 'and?', conversationId: 'c1' })))).toMatchObject({ type: 'submit', id: 'j2', images: [] });
  });
});
