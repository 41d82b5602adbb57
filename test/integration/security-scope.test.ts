import { describe, expect, it } from 'vitest';
import { daemonForFile } from '../helpers/file-daemon';
import { textPng } from '../helpers/images';
import { LoupeClient } from '../helpers/ws-client';

/**
 * Threat row "another client's conversation": a second connection that knows a conversationId
 * neither reads the first one's image text through a follow-up nor replaces its image.
 */
const d = daemonForFile();

const textOf = (m: { type: string; text?: string }) => (m.type === 'done' ? (m.text ?? '').toLowerCase() : `(${m.type})`);

describe('conversations belong to the connection that started them', () => {
  it('another connection can neither read nor replace them', async () => {
    const a = await LoupeClient.connect(d.port, { token: d.token });
    const b = await LoupeClient.connect(d.port, { token: d.token });
    try {
      a.submit({ id: 'a1', task: 'ocr', conversationId: 'shared-id' }, [await textPng('PRIVATE INVOICE 4711')]);
      expect(textOf(await a.terminal('a1'))).toContain('invoice');

      // B's follow-up on A's id: not found, and nothing of A's image comes back.
      b.send({ type: 'submit', id: 'b1', task: 'ocr', conversationId: 'shared-id' });
      const stolen = await b.terminal('b1');
      expect(stolen).toMatchObject({ type: 'error', code: 'not_found' });
      expect(JSON.stringify(b.raw)).not.toMatch(/invoice|4711/i);

      // B starting a conversation with the same id gets its own; A's follow-up still reads A's image.
      b.submit({ id: 'b2', task: 'ocr', conversationId: 'shared-id' }, [await textPng('HELLO FROM B')]);
      await b.terminal('b2');
      a.send({ type: 'submit', id: 'a2', task: 'ocr', conversationId: 'shared-id' });
      const again = textOf(await a.terminal('a2'));
      expect(again).toContain('invoice');
      expect(again).not.toContain('from b');
    } finally {
      a.close();
      b.close();
    }
  });
});
