import { describe, expect, it } from 'vitest';
import { cancelMessage, helloMessage } from './builders';
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
  });
});
